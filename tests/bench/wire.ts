/**
 * What the benchmarks read besides the wire (tests/support/wire-capture.ts): SIP messages in a
 * captured payload, and CPU time per process group from /proc, to tell where a machine's cores
 * went.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

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
