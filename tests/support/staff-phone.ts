import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sipp } from './sipp';
import { dtmfTyper } from './volunteer-phone';

/** What the phone does once it answered, in order. */
export type PhoneStep =
  | { wait: number }
  /** Type these digits by RFC 4733 DTMF, 250 ms apart. */
  | { type: string }
  /** Talk: SIPp's sample speech (G.711 A-law, about 8 s). */
  | { talk: true };

export interface PhonePlan {
  steps: PhoneStep[];
  /** After the steps, wait this long for the engine to hang up; then hang up ourselves. */
  holdMs: number;
}

const SPEECH = '/usr/share/sip-tester/g711a.pcap';

/**
 * A SIPp UAS scenario for a phone the engine calls (a staff member's phone: the caller ID to
 * verify, or the phone that records the voicemail message): it rings, answers with PCMA and
 * RFC 4733 DTMF, then talks and types as planned. Either side may hang up.
 */
export function answeringPhoneScenario(plan: PhonePlan, dir: string): string {
  const type = dtmfTyper(dir);
  const steps = plan.steps
    .map((step) => {
      if ('wait' in step) return `  <pause milliseconds="${step.wait}" />`;
      if ('talk' in step) {
        return `  <nop><action><exec play_pcap_audio="${SPEECH}" /></action></nop>\n  <pause milliseconds="8500" />`;
      }
      return type(step.type);
    })
    .join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="a phone the engine calls">
  <recv request="INVITE" crlf="true" rrs="true">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="remote_party" />
      <ereg regexp=".*" search_in="hdr" header="To:" check_it="true" assign_to="local_party" />
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:phone@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="500" />
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:phone@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=phone 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
      a=sendrecv

    ]]>
  </send>
  <recv request="ACK" rtd="true" crlf="true" />
${steps}
  <recv request="BYE" timeout="${plan.holdMs}" ontimeout="hangup" />
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
  <label id="hangup" />
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$local_party];tag=[pid]SIPpTag01[call_number]
      To: [$remote_party]
      [last_Call-ID:]
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

/**
 * Start the phone as a UAS on the voter trunk's port (the engine's calls to any number go out
 * through `voter-trunk`, 127.0.0.1:5070). It takes one call and exits. Tests of the asterisk
 * tier run one at a time, so the port is free; if another SIPp still holds it, wait for it.
 */
export async function answeringPhone(plan: PhonePlan, waitMs = 30_000): Promise<Sipp> {
  const dir = mkdtempSync(join(tmpdir(), 'phone-'));
  const file = join(dir, 'phone.xml');
  writeFileSync(file, answeringPhoneScenario(plan, dir));
  const port = Number(process.env.VOTER_TRUNK_PORT ?? 5070);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await Sipp.uasFile(file, port, 16100, ['-m', '1']);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
