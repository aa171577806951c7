import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sipp } from './sipp';

const DTMF_PCAP_DIR = '/usr/share/sip-tester';

export interface VolunteerCallPlan {
  /** PINs typed, one per try; each is followed by '#'. */
  pins: string[];
  /** How long to stay on the line after the last PIN unless Asterisk hangs up first. */
  holdMs: number;
  /** Wait this long after answer before typing (the prompt plays). */
  promptMs?: number;
  /** Wait between two tries (the retry prompt plays). */
  retryMs?: number;
}

function samplePcap(digit: string): string {
  if (digit === '#') return `${DTMF_PCAP_DIR}/dtmf_2833_pound.pcap`;
  if (digit === '*') return `${DTMF_PCAP_DIR}/dtmf_2833_star.pcap`;
  if (!/^[0-9]$/.test(digit)) throw new Error(`no DTMF pcap for ${digit}`);
  return `${DTMF_PCAP_DIR}/dtmf_2833_${digit}.pcap`;
}

/**
 * SIPp replays a pcap's RTP as recorded, and the sample DTMF pcaps carry fixed sequence
 * numbers and timestamps: typed in any order but ascending, Asterisk would drop digits as
 * out-of-order packets. Each digit typed gets its own copy, renumbered after the previous one.
 */
export function dtmfPcap(dir: string, digit: string, position: number): string {
  const pcap = Buffer.from(readFileSync(samplePcap(digit)));
  let offset = 24; // pcap global header
  let k = 0;
  while (offset + 16 <= pcap.length) {
    const captured = pcap.readUInt32LE(offset + 8);
    const rtp = offset + 16 + 42; // record header, then Ethernet 14 + IPv4 20 + UDP 8
    pcap.writeUInt16BE((1000 + position * 16 + k) & 0xffff, rtp + 2);
    pcap.writeUInt32BE(8000 + position * 4000, rtp + 4);
    offset += 16 + captured;
    k += 1;
  }
  const file = join(dir, `dtmf-${position}-${digit === '#' ? 'pound' : digit === '*' ? 'star' : digit}.pcap`);
  writeFileSync(file, pcap);
  return file;
}

/**
 * SIPp scenario lines that type digits by RFC 4733 DTMF, 250 ms apart. The typer counts every
 * digit it typed, so each gets its own pcap numbered after the previous one (see dtmfPcap).
 */
export function dtmfTyper(dir: string): (digits: Iterable<string>) => string {
  let position = 0;
  return (digits) =>
    [...digits]
      .map((digit) => {
        position += 1;
        const file = dtmfPcap(dir, digit, position);
        return `  <nop><action><exec play_pcap_audio="${file}" /></action></nop>\n  <pause milliseconds="250" />`;
      })
      .join('\n');
}

/**
 * A SIPp scenario for a volunteer who dials in to the campaign's dial-in number, types the
 * PIN(s) by RFC 4733 DTMF, and stays on the line. Either side may hang up: the scenario
 * ends cleanly on Asterisk's BYE, or sends its own BYE when holdMs runs out.
 */
export function volunteerScenario(plan: VolunteerCallPlan, dir: string): string {
  const type = dtmfTyper(dir);
  const typing = plan.pins
    .map((pin, i) => {
      const digits = type([...pin, '#']);
      const wait = i < plan.pins.length - 1 ? `\n  <pause milliseconds="${plan.retryMs ?? 3000}" />` : '';
      return digits + wait;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="volunteer dial-in">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:dialin@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:dialin@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=volunteer 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
      a=ptime:20
      a=sendrecv

    ]]>
  </send>
  <recv response="100" optional="true" />
  <recv response="180" optional="true" />
  <recv response="183" optional="true" />
  <recv response="200" rtd="true" rrs="true" />
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="${plan.promptMs ?? 1500}" />
${typing}
  <recv request="BYE" timeout="${plan.holdMs}" ontimeout="volunteerhangsup" />
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <nop hide="true" next="end" />
  <label id="volunteerhangsup" />
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
  <label id="end" />
  <timewait milliseconds="500" />
</scenario>
`;
}

let nextPort = 5200;

/** Start one volunteer phone (SIPp UAC) that dials the dial-in number once. */
export async function dialIn(plan: VolunteerCallPlan, dialInNumber = '+15550000100'): Promise<Sipp> {
  const dir = mkdtempSync(join(tmpdir(), 'volunteer-'));
  const file = join(dir, 'volunteer.xml');
  writeFileSync(file, volunteerScenario(plan, dir));
  const sipPort = nextPort;
  nextPort += 2;
  const asterisk = `127.0.0.1:${process.env.ASTERISK_SIP_PORT ?? 5060}`;
  return Sipp.uac(file, asterisk, dialInNumber, sipPort, 20000 + (sipPort - 5200) * 2);
}
