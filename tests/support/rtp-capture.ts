import { WireCapture, type WirePacket } from './wire-capture';

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
 * Captures the RTP sent to one UDP port on loopback (WireCapture), to prove what a SIPp phone
 * actually heard: packets, streams (SSRC) and how loud they were.
 */
export class RtpCapture {
  private constructor(private readonly wire: WireCapture) {}

  static async start(port: number): Promise<RtpCapture> {
    return new RtpCapture(await WireCapture.start(`udp and dst port ${port}`, 256));
  }

  /** What was captured so far. */
  snapshot(): RtpPacket[] {
    return rtpPackets(this.wire.packets());
  }

  async stop(): Promise<RtpPacket[]> {
    await this.wire.stop();
    return rtpPackets(this.wire.packets());
  }
}

/** The captured UDP packets that carry RTP, decoded. */
function rtpPackets(packets: WirePacket[]): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (const p of packets) {
    const rtp = p.payload;
    if (p.proto !== 'udp' || rtp.length < 13 || rtp[0]! >> 6 !== 2) continue;
    const payloadType = rtp[1]! & 0x7f;
    const ssrc = rtp.readUInt32BE(8);
    const audio = rtp.subarray(12);
    let sum = 0;
    if (payloadType === 0 || payloadType === 8) {
      for (const b of audio) sum += Math.abs(payloadType === 0 ? ulaw(b) : alaw(b));
    }
    out.push({
      at: Math.floor(p.t),
      ssrc,
      dst: p.dstPort,
      payloadType,
      level: audio.length ? sum / audio.length : 0,
    });
  }
  return out;
}

/** Packets carrying sound (not silence or comfort noise). */
export function audible(packets: RtpPacket[], threshold = 200): RtpPacket[] {
  return packets.filter((p) => (p.payloadType === 0 || p.payloadType === 8) && p.level > threshold);
}
