/**
 * Packets as they crossed the loopback interface: a tcpdump capture (the tests run as root) and
 * a reader of the pcap file it writes, with the kernel's timestamps. The RTP checks of the
 * telephony tests (rtp-capture.ts) and the benchmarks' timings (tests/bench) read the wire here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  /** Start capturing `filter` (tcpdump syntax), keeping the first `snaplen` bytes of each packet. */
  static async start(filter: string, snaplen = 600): Promise<WireCapture> {
    const file = join(mkdtempSync(join(tmpdir(), 'wire-')), 'lo.pcap');
    const stderr: string[] = [];
    const child = spawn(
      'tcpdump',
      [
        '-i',
        'lo',
        '-n',
        '-U',
        '-s',
        String(snaplen),
        '-B',
        '16384',
        '--time-stamp-precision=nano',
        '-w',
        file,
        filter,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => stderr.push(String(d)));
    const deadline = Date.now() + 10_000;
    while (!stderr.join('').includes('listening on')) {
      if (child.exitCode !== null)
        throw new Error(
          `tcpdump exited (${child.exitCode}); is it installed and are we root? ${stderr.join('')}`,
        );
      if (Date.now() > deadline) throw new Error(`tcpdump did not start in 10 s: ${stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return new WireCapture(child, file, stderr);
  }

  /** What was captured so far (tcpdump writes each packet at once, -U). */
  packets(): WirePacket[] {
    return readPcap(this.file);
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
