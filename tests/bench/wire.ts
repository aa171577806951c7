/**
 * Measuring on the wire: a tcpdump capture on the loopback interface, read back packet by packet
 * with the kernel's timestamps. The benchmarks time requests and SIP messages from when they
 * crossed the interface, not from when a busy load generator (SIPp, the bench's own Node
 * process) got round to logging them: on a 2-core machine those processes wait for a core too.
 *
 * Also: CPU time per process group from /proc, to tell where a machine's cores went.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface WirePacket {
  /** Wall-clock ms (kernel timestamp, µs resolution or better). */
  t: number;
  proto: 'tcp' | 'udp';
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

/** Parse a classic pcap file (µs or ns timestamps) of Ethernet (loopback) or Linux cooked frames. */
export function readPcap(file: string): WirePacket[] {
  const b = readFileSync(file);
  if (b.length < 24) return [];
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d)
    throw new Error(`${file}: not a pcap file`);
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const nano = (le ? magic : b.readUInt32BE(0)) === 0xa1b23c4d;
  const linkType = u32(20);
  const linkHeader = linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 276 ? 20 : -1;
  if (linkHeader < 0) throw new Error(`${file}: link type ${linkType} is not read here`);
  const out: WirePacket[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    const start = o + 16;
    o = start + incl;
    if (o > b.length) break;
    const ip = start + linkHeader;
    if (ip + 20 > o || b[ip]! >> 4 !== 4) continue; // IPv4 only: everything here is on 127.0.0.1
    const ihl = (b[ip]! & 0x0f) * 4;
    const proto = b[ip + 9];
    const l4 = ip + ihl;
    const t = sec * 1000 + (nano ? frac / 1e6 : frac / 1e3);
    if (proto === 17 && l4 + 8 <= o) {
      out.push({
        t,
        proto: 'udp',
        srcPort: b.readUInt16BE(l4),
        dstPort: b.readUInt16BE(l4 + 2),
        payload: b.subarray(l4 + 8, o),
      });
    } else if (proto === 6 && l4 + 20 <= o) {
      const dataOff = (b[l4 + 12]! >> 4) * 4;
      if (l4 + dataOff >= o) continue; // no payload (a bare ACK)
      out.push({
        t,
        proto: 'tcp',
        srcPort: b.readUInt16BE(l4),
        dstPort: b.readUInt16BE(l4 + 2),
        payload: b.subarray(l4 + dataOff, o),
      });
    }
  }
  return out;
}

/** tcpdump on `lo` with a capture filter, writing `file`; stop() waits until it has flushed. */
export class WireCapture {
  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
    private readonly stderr: string[],
  ) {}

  static async start(file: string, filter: string): Promise<WireCapture> {
    const stderr: string[] = [];
    const child = spawn(
      'tcpdump',
      ['-i', 'lo', '-n', '-U', '-s', '600', '-B', '16384', '--time-stamp-precision=nano', '-w', file, filter],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => stderr.push(String(d)));
    const deadline = Date.now() + 10_000;
    while (!stderr.join('').includes('listening on')) {
      if (child.exitCode !== null) throw new Error(`tcpdump did not start: ${stderr.join('')}`);
      if (Date.now() > deadline) throw new Error(`tcpdump did not start in 10 s: ${stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return new WireCapture(child, file, stderr);
  }

  /** Stop the capture; returns tcpdump's own count of packets the kernel dropped. */
  async stop(): Promise<{ dropped: number; summary: string }> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    const text = this.stderr.join('');
    const dropped = Number(/(\d+) packets dropped by kernel/.exec(text)?.[1] ?? 0);
    return { dropped, summary: text.trim().split('\n').slice(-3).join('; ') };
  }
}

/** The first line and a header of a SIP message carried in a UDP payload. */
export function sipFirstLine(p: Buffer): string {
  const s = p.toString('latin1', 0, Math.min(p.length, 200));
  return s.slice(0, s.indexOf('\r\n') >>> 0);
}
export function sipHeader(p: Buffer, name: string): string | undefined {
  const re = new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'im');
  return re.exec(p.toString('latin1'))?.[1];
}

// --- CPU per process group ------------------------------------------------------------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds used so far by each group of processes: a group is a process name (`comm`, e.g.
 * `asterisk`, `sipp`, `postgres`) or an explicit pid list. In a group by name, children a
 * process has reaped count for it (cutime), so exited PostgreSQL backends stay in the
 * postmaster's share; a group by pid counts its own time only (the bench's reaped SIPps are
 * not the bench's).
 */
export function cpuSeconds(groups: Record<string, string | number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(groups)) out[k] = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const f = stat
      .slice(close + 2)
      .split(' ')
      .map(Number);
    // fields after ")": state ppid … utime(11) stime(12) cutime(13) cstime(14)
    const own = (f[11]! + f[12]!) / CLK_TCK;
    const reaped = (f[13]! + f[14]!) / CLK_TCK;
    const pid = Number(entry);
    for (const [k, g] of Object.entries(groups)) {
      if (typeof g === 'string' ? comm === g : g.includes(pid))
        out[k] = out[k]! + own + (typeof g === 'string' ? reaped : 0);
    }
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3]! + (v[4] ?? 0);
  const total = v.reduce((a, x) => a + x, 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}
