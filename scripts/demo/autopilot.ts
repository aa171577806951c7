/**
 * The demo volunteer, for `npm start`: starts a power-dialing session on the demo project,
 * dials in from a SIPp "phone" with the session PIN, then clicks Call, waits, hangs up and
 * records outcomes like a person would, printing each call as it happens.
 *   npx ts-node --transpile-only scripts/demo/autopilot.ts [.data/demo.json]
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dialIn } from '../../tests/support/volunteer-phone';

interface Demo {
  baseUrl: string;
  projectId: string;
  volunteerToken: string;
}
interface View {
  stage: string;
  call: { attemptId: string; phone: string } | null;
  callButton: { available: boolean; reason?: string };
}

const demo = JSON.parse(readFileSync(process.argv[2] ?? '.data/demo.json', 'utf8')) as Demo;
const say = (m: string) => process.stderr.write(`[demo] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${demo.baseUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${demo.volunteerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function main(): Promise<void> {
  const started = await api<{ sessionId: string; pin: string; dialInNumber: string; message?: string }>(
    'POST',
    '/dial-sessions',
    { projectId: demo.projectId, mode: 'phone' },
  );
  if (started.status !== 201) throw new Error(`could not start a session: ${JSON.stringify(started.body)}`);
  const { sessionId, pin, dialInNumber } = started.body;
  say(`session started; dialing in to ${dialInNumber} and typing PIN ${pin}`);
  const phone = await dialIn({ pins: [pin], holdMs: 30 * 60_000, promptMs: 1000 });
  let last = '';
  let connectedSince = 0;
  for (let tick = 0; tick < 3600; tick += 1) {
    const v = (await api<View>('GET', `/dial-sessions/${sessionId}`)).body;
    const line = `${v.stage}${v.call ? ` ${v.call.phone}` : ''}`;
    if (line !== last) say(line);
    last = line;
    if (v.stage === 'idle') {
      const click = await api<{ accepted: boolean; reason: string | null }>(
        'POST',
        `/dial-sessions/${sessionId}/call`,
        {
          requestId: randomUUID(),
        },
      );
      if (!click.body.accepted) say(`call refused: ${click.body.reason}`);
    } else if (v.stage === 'connected') {
      connectedSince ||= Date.now();
      if (Date.now() - connectedSince > 4000) {
        await api('POST', `/dial-sessions/${sessionId}/hangup`);
        connectedSince = 0;
      }
    } else if (v.stage === 'wrap-up' && v.call) {
      const outcome = Math.random() < 0.7 ? 'successful' : 'refused';
      await api('POST', `/dial-sessions/${sessionId}/outcome`, { attemptId: v.call.attemptId, outcome });
      say(`outcome ${outcome} for ${v.call.phone}`);
    } else if (v.stage === 'ended' || v.stage === 'paused') {
      break;
    }
    if (!v.callButton.available && v.callButton.reason && v.stage === 'idle') {
      say(`no more calls now: ${v.callButton.reason}`);
      break;
    }
    await sleep(1000);
  }
  await api('POST', `/dial-sessions/${sessionId}/end`).catch(() => undefined);
  await phone.stop();
}

main().catch((e: unknown) => {
  say(`stopped: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
