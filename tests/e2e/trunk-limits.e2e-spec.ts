import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendCredit } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newUser } from '../../libs/persistence/src/testing/factories';
import { eventually } from '../support/eventually';
import { ariSettings, asteriskCli } from '../support/local-asterisk';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { powerProject } from '../support/power-dial-fixtures';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { dialIn } from '../support/volunteer-phone';

interface TrunkView {
  id: string;
  name: string;
  maxConcurrentCalls: number;
  maxCallsPerSecond: number;
  hasPassword: boolean;
  liveCalls: number;
  pbx: { state: string; error?: string };
}

/** One SIP dialog as the SIPp voter trunk saw it: when the INVITE came, when the call ended. */
interface VoterDialog {
  callId: string;
  requestUri: string;
  from: string;
  invitedAt: number;
  endedAt: number | null;
}

/** The voter trunk's message log, by dialog, with SIPp's own timestamps (µs, host clock). */
function voterDialogs(voters: Sipp): VoterDialog[] {
  const file = join(voters.dir, 'messages.log');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'latin1');
  const dialogs = new Map<string, VoterDialog>();
  const re = /^-{10,} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{6})\n([\s\S]*?)(?=^-{10,} \d{4}-|(?![\s\S]))/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = Date.parse(`${m[1]}T${m[2]}`) + Number(m[3]) / 1000;
    const block = m[4];
    const body = block.replace(/^\s*\w+ message (sent|received)[^\n]*\n\s*/i, '');
    const received = /message received/i.test(block);
    const firstLine = body.split(/\r?\n/)[0] ?? '';
    const callId = /^Call-ID:\s*(\S+)/im.exec(body)?.[1];
    if (!callId) continue;
    if (received && firstLine.startsWith('INVITE ') && !dialogs.has(callId)) {
      dialogs.set(callId, {
        callId,
        requestUri: firstLine.split(' ')[1] ?? '',
        from: /^From:\s*(.*)$/im.exec(body)?.[1] ?? '',
        invitedAt: at,
        endedAt: null,
      });
      continue;
    }
    const d = dialogs.get(callId);
    if (!d || d.endedAt !== null) continue;
    const ends =
      firstLine.startsWith('BYE ') ||
      firstLine.startsWith('CANCEL ') ||
      /^SIP\/2\.0 [3-6]\d\d /.test(firstLine);
    if (ends) d.endedAt = at;
  }
  return [...dialogs.values()];
}

/** Most calls in progress at once among these dialogs (an open dialog counts until now). */
function maxOverlap(dialogs: VoterDialog[]): number {
  const edges = dialogs.flatMap((d) => [
    { t: d.invitedAt, delta: 1 },
    { t: d.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.delta - b.delta); // an end before a start at the same instant
  let now = 0;
  let max = 0;
  for (const e of edges) {
    now += e.delta;
    max = Math.max(max, now);
  }
  return max;
}

/** Samples Asterisk's own channel list for a trunk's channels while a round of calls runs. */
class ChannelSampler {
  max = 0;
  samples = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(trunk: string) {
    const ari = ariSettings();
    const auth = `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}`;
    this.done = (async () => {
      while (this.running) {
        const res = await fetch(`${ari.url}/ari/channels`, { headers: { authorization: auth } });
        const channels = (await res.json()) as { name: string }[];
        const n = channels.filter((c) => c.name.startsWith(`PJSIP/${trunk}-`)).length;
        this.max = Math.max(this.max, n);
        this.samples += 1;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/**
 * Trunks managed in the product, end to end (issue 6): a trunk created over the API is pushed to
 * the running Asterisk (no restart, no file edit), and the engine never carries more calls on a
 * trunk than its limits, with five volunteers clicking at once; a changed limit applies at once.
 * SIPp plays the volunteers (dial-in with PIN) and the voters; Asterisk is the real local one.
 */
describe('trunks: limits and configuration pushed to Asterisk', () => {
  let db: TestDatabase;
  let orchestrator: OrchestratorHarness;
  let voters: Sipp;
  let campaignId: string;
  let telecom: string;
  const volunteers: string[] = [];
  const phones: Sipp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pb_trunk_limits');
    orchestrator = await OrchestratorHarness.start(db.url);
    voters = await startVoterTrunk();
    campaignId = (await newCampaign(db.ds)).id;
    await appendCredit(db.ds, { campaignId, amountCents: 10_000, reason: 'test top-up' });
    telecom = (await newUser(db.ds, campaignId, 'telecom')).token;
    for (let i = 0; i < 5; i++) volunteers.push((await newUser(db.ds, campaignId, 'volunteer')).token);
  });

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await voters?.stop();
    await orchestrator?.close();
    await db?.drop();
  });

  const trunkApi = <T>(method: string, path: string, body?: unknown) =>
    orchestrator.api<T>(telecom, method, `/trunks${path}`, body);

  async function ariObject(type: string, id: string): Promise<number> {
    const ari = ariSettings();
    const res = await fetch(`${ari.url}/ari/asterisk/config/dynamic/res_pjsip/${type}/${id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}` },
    });
    await res.body?.cancel();
    return res.status;
  }

  async function startSession(token: string, projectId: string): Promise<string> {
    const started = await orchestrator.api<{ sessionId: string; pin: string }>(
      token,
      'POST',
      '/dial-sessions',
      {
        projectId,
        mode: 'phone',
      },
    );
    expect(started.status).toBe(201);
    phones.push(await dialIn({ pins: [started.body.pin], holdMs: 180_000, promptMs: 800 }));
    await eventually(
      'the volunteer leg to join',
      () => orchestrator.lastView(started.body.sessionId)?.stage === 'idle',
      20_000,
    );
    return started.body.sessionId;
  }

  /** Every session clicks Call at the same moment; resolves when every call is over (wrap-up). */
  async function clickAllAndWait(sessions: { token: string; id: string }[]): Promise<void> {
    const clicks = await Promise.all(
      sessions.map((s) =>
        orchestrator.api<{ accepted: boolean }>(s.token, 'POST', `/dial-sessions/${s.id}/call`, {
          requestId: randomUUID(),
        }),
      ),
    );
    expect(clicks.map((c) => c.body.accepted)).toEqual(sessions.map(() => true));
    await eventually(
      'every call to be over',
      () => sessions.every((s) => orchestrator.lastView(s.id)?.stage === 'wrap-up'),
      60_000,
      100,
    );
  }

  async function wrapUp(sessions: { token: string; id: string }[]): Promise<void> {
    for (const s of sessions) {
      const attemptId = orchestrator.lastView(s.id)?.call?.attemptId;
      expect(attemptId).toBeDefined();
      const r = await orchestrator.api<{ accepted: boolean }>(
        s.token,
        'POST',
        `/dial-sessions/${s.id}/outcome`,
        {
          attemptId,
          outcome: 'successful',
        },
      );
      expect(r.body.accepted).toBe(true);
    }
  }

  it('a trunk created over the API reaches Asterisk at once, and calls through it work', async () => {
    const created = await trunkApi<TrunkView>('POST', '', {
      name: 'pushed-trunk',
      sipHost: '127.0.0.1',
      sipPort: Number(process.env.VOTER_TRUNK_PORT ?? 5070),
      username: 'acct-1',
      password: 'pushed-secret-1',
      codecs: ['alaw', 'ulaw'],
      dialFormat: 'e164-no-plus',
      callerIdFormat: 'e164-no-plus',
      maxConcurrentCalls: 5,
      maxCallsPerSecond: 5,
    });
    expect(created.status).toBe(201);
    expect(created.body.pbx.state).toBe('applied');
    expect(created.body.hasPassword).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain('pushed-secret-1');
    expect(JSON.stringify((await trunkApi<TrunkView[]>('GET', '')).body)).not.toContain('pushed-secret-1');

    // Asterisk has it, without a restart: ARI and the CLI both see the endpoint.
    expect(await ariObject('endpoint', 'pushed-trunk')).toBe(200);
    expect(await ariObject('aor', 'pushed-trunk')).toBe(200);
    expect(await ariObject('auth', 'pushed-trunk-auth')).toBe(200);
    const shown = asteriskCli('pjsip show endpoint pushed-trunk');
    expect(shown).toMatch(/Endpoint:\s+pushed-trunk/);
    expect(shown).toMatch(/allow\s+:\s+\(alaw\|ulaw\)/);

    // A project on that trunk calls through it, in the trunk's number formats.
    const projectId = await powerProject(db.ds, campaignId, [{ number: '+12025550201' }]);
    await db.ds.query(`UPDATE projects SET trunk = 'pushed-trunk' WHERE id = $1`, [projectId]);
    const sessionId = await startSession(volunteers[0], projectId);
    await orchestrator.api(volunteers[0], 'POST', `/dial-sessions/${sessionId}/call`, {
      requestId: randomUUID(),
    });
    await eventually(
      'the voter to answer',
      () => orchestrator.lastView(sessionId)?.stage === 'connected',
      20_000,
    );
    const dialog = voterDialogs(voters).find((d) => d.requestUri.startsWith('sip:12025550201@'));
    expect(dialog).toBeDefined();
    expect(dialog!.from).toMatch(/<sip:15557654321@/);
    const [attempt] = await db.ds.query(
      `SELECT a.trunk_id, t.name FROM call_attempts a JOIN trunks t ON t.id = a.trunk_id WHERE a.project_id = $1`,
      [projectId],
    );
    expect(attempt.name).toBe('pushed-trunk');
    await orchestrator.api(volunteers[0], 'POST', `/dial-sessions/${sessionId}/end`);

    // Disabled: taken out of Asterisk at once.
    const disabled = await trunkApi<TrunkView>('PATCH', `/${created.body.id}`, { enabled: false });
    expect(disabled.body.pbx.state).toBe('removed');
    expect(await ariObject('endpoint', 'pushed-trunk')).toBe(404);
    expect(await ariObject('auth', 'pushed-trunk-auth')).toBe(404);
  });

  it('five volunteers at once never get more than 2 calls nor 1 call/s on the trunk; a new limit applies at once', async () => {
    const created = await trunkApi<TrunkView>('POST', '', {
      name: 'limited-trunk',
      sipHost: '127.0.0.1',
      sipPort: Number(process.env.VOTER_TRUNK_PORT ?? 5070),
      maxConcurrentCalls: 2,
      maxCallsPerSecond: 1,
    });
    expect(created.status).toBe(201);
    expect(created.body.pbx.state).toBe('applied');
    // Voters who answer and hang up after 2 s (tens digit 2).
    const numbers = Array.from({ length: 8 }, (_, i) => `+1202555022${i}`);
    const projectId = await powerProject(
      db.ds,
      campaignId,
      numbers.map((number) => ({ number })),
    );
    await db.ds.query(`UPDATE projects SET trunk = 'limited-trunk' WHERE id = $1`, [projectId]);
    const sessions: { token: string; id: string }[] = [];
    for (const token of volunteers) sessions.push({ token, id: await startSession(token, projectId) });

    // Round 1: 2 lines, 1 call per second.
    const onTrunk = () =>
      voterDialogs(voters).filter((d) => numbers.some((n) => d.requestUri.startsWith(`sip:${n}@`)));
    const sampler = new ChannelSampler('limited-trunk');
    await clickAllAndWait(sessions);
    await sampler.stop();
    const round1 = onTrunk();
    expect(round1).toHaveLength(5);
    expect(maxOverlap(round1)).toBe(2);
    const invites = round1.map((d) => d.invitedAt).sort((a, b) => a - b);
    for (let i = 1; i < invites.length; i++) expect(invites[i] - invites[i - 1]).toBeGreaterThanOrEqual(900);
    expect(sampler.samples).toBeGreaterThan(20);
    expect(sampler.max).toBeLessThanOrEqual(2);
    expect(sampler.max).toBeGreaterThanOrEqual(1);
    // The ones that found every line busy were told so while they waited.
    expect(orchestrator.updates.some((u) => u.notice?.kind === 'waiting-for-line')).toBe(true);
    const attempts = await db.ds.query(
      `SELECT count(*)::int AS n FROM call_attempts a JOIN trunks t ON t.id = a.trunk_id
       WHERE t.name = 'limited-trunk' AND a.dial_started_at IS NOT NULL`,
    );
    expect(attempts[0].n).toBe(5);
    await eventually('every line to be free', async () => {
      const t = await trunkApi<TrunkView>('GET', `/${created.body.id}`);
      return t.body.liveCalls === 0;
    });

    // Round 2: telecom staff lower the trunk to 1 line and 1 call every 2 s; no restart.
    const changed = await trunkApi<TrunkView>('PATCH', `/${created.body.id}`, {
      maxConcurrentCalls: 1,
      maxCallsPerSecond: 0.5,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ maxConcurrentCalls: 1, maxCallsPerSecond: 0.5 });
    await wrapUp(sessions);
    const next = sessions.slice(0, 3);
    await eventually(
      'idle again',
      () => next.every((s) => orchestrator.lastView(s.id)?.stage === 'idle'),
      10_000,
    );
    const sampler2 = new ChannelSampler('limited-trunk');
    await clickAllAndWait(next);
    await sampler2.stop();
    const round2 = onTrunk().filter((d) => !round1.some((r) => r.callId === d.callId));
    expect(round2).toHaveLength(3);
    expect(maxOverlap(round2)).toBe(1);
    expect(sampler2.max).toBeLessThanOrEqual(1);
    const invites2 = round2.map((d) => d.invitedAt).sort((a, b) => a - b);
    for (let i = 1; i < invites2.length; i++)
      expect(invites2[i] - invites2[i - 1]).toBeGreaterThanOrEqual(1900);

    // Health sees these calls: every one answered, cleared normally.
    const health = await trunkApi<
      { name: string; seizures: number; asr: number; causeMix: { sip: number }[] }[]
    >(
      'GET',
      // The harness's clock is shifted to mid-day: ask for a wide period around now.
      `/health?from=${new Date(Date.now() - 2 * 86_400_000).toISOString()}&to=${new Date(Date.now() + 2 * 86_400_000).toISOString()}`,
    );
    const h = health.body.find((x) => x.name === 'limited-trunk');
    expect(h).toMatchObject({ seizures: 8, asr: 1 });
    for (const s of sessions) await orchestrator.api(s.token, 'POST', `/dial-sessions/${s.id}/end`);
  });
});
