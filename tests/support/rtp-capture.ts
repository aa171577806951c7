import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RtpPacket {
  /** Capture time, ms since the epoch. */
  at: number;
  ssrc: number;
  /** Destination UDP port. */
  dst: number;
  payloadType: number;
  /** Mean absolute amplitude of the decoded G.711 samples (0 = digital silence, 32767 max). */
  level: number;
}

/** G.711 µ-law (PT 0) and A-law (PT 8) to 16-bit linear. */
function ulaw(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}
function alaw(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/**
 * Captures the RTP sent to one UDP port on loopback with tcpdump (as the tests run as root), to
 * prove what a SIPp phone actually heard: packets, streams (SSRC) and how loud they were.
 */
export class RtpCapture {
  private constructor(
    private readonly child: ChildProcess,
    private readonly file: string,
  ) {}

  static async start(port: number): Promise<RtpCapture> {
    const filter = `udp and dst port ${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'rtp-'));
    const file = join(dir, 'capture.pcap');
    const child = spawn('tcpdump', ['-i', 'lo', '-n', '-U', '-s', '256', '-w', file, filter], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start within 5 s')), 5000);
      child.stderr?.on('data', (d: Buffer) => {
        if (/listening on/.test(d.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`tcpdump exited (${code}); is it installed and are we root?`));
      });
    });
    return new RtpCapture(child, file);
  }

  /** What was captured so far (tcpdump writes each packet at once, -U). */
  snapshot(): RtpPacket[] {
    return parsePcap(readFileSync(this.file));
  }

  async stop(): Promise<RtpPacket[]> {
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGINT');
      });
    }
    return parsePcap(readFileSync(this.file));
  }
}

/** Packets of a classic pcap file with Ethernet framing (tcpdump on lo), decoded as RTP. */
export function parsePcap(buf: Buffer): RtpPacket[] {
  const packets: RtpPacket[] = [];
  if (buf.length < 24) return packets;
  const little = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  let offset = 24;
  while (offset + 16 <= buf.length) {
    const at = u32(offset) * 1000 + Math.floor(u32(offset + 4) / 1000);
    const captured = u32(offset + 8);
    const frame = buf.subarray(offset + 16, offset + 16 + captured);
    offset += 16 + captured;
    const ipHeader = (frame[14] & 0x0f) * 4;
    const dst = frame.readUInt16BE(14 + ipHeader + 2);
    const rtp = frame.subarray(14 + ipHeader + 8);
    if (rtp.length < 13 || rtp[0] >> 6 !== 2) continue;
    const payloadType = rtp[1] & 0x7f;
    const ssrc = rtp.readUInt32BE(8);
    const audio = rtp.subarray(12);
    let sum = 0;
    if (payloadType === 0 || payloadType === 8) {
      for (const b of audio) sum += Math.abs(payloadType === 0 ? ulaw(b) : alaw(b));
    }
    packets.push({ at, ssrc, dst, payloadType, level: audio.length ? sum / audio.length : 0 });
  }
  return packets;
}

/** Packets carrying sound (not silence or comfort noise). */
export function audible(packets: RtpPacket[], threshold = 200): RtpPacket[] {
  return packets.filter((p) => (p.payloadType === 0 || p.payloadType === 8) && p.level > threshold);
}
