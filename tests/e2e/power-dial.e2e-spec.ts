import { randomUUID } from 'node:crypto';
import { chargeForLeg, type DialSessionView } from '@phonebank/domain';
import {
  appendCredit,
  campaignRateMillicentsPerMinute,
  one,
  rows,
  type DialMode,
} from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newUser } from '../../libs/persistence/src/testing/factories';
import { eventually } from '../support/eventually';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { powerProject } from '../support/power-dial-fixtures';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { dialIn } from '../support/volunteer-phone';
import { RtpCapture, audible } from '../support/rtp-capture';

/**
 * Power dialing end to end: the orchestrator (HTTP API + dial sessions) on a real PostgreSQL,
 * the real local Asterisk, SIPp as the volunteer's phone (dial-in with PIN) and as the voters.
 */
describe('power dialing through Asterisk (SIPp volunteers and voters)', () => {
  let db: TestDatabase;
  let orchestrator: OrchestratorHarness;
  let voters: Sipp;
  let campaignId: string;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase('pb_power');
    orchestrator = await OrchestratorHarness.start(db.url);
    voters = await startVoterTrunk();
    const campaign = await newCampaign(db.ds);
    campaignId = campaign.id;
    await appendCredit(db.ds, { campaignId, amountCents: 10_000, reason: 'test top-up' });
    token = (await newUser(db.ds, campaignId, 'volunteer')).token;
  });

  afterAll(async () => {
    await voters?.stop();
    await orchestrator?.close();
    await db?.drop();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    orchestrator.api<T>(token, method, path, body);
  const updates = {
    some: (f: (u: (typeof orchestrator.updates)[number]) => boolean) => orchestrator.updates.some(f),
  };

  const projectWith = (phones: { number: string; type?: string }[], extra: { allowCells?: boolean } = {}) =>
    powerProject(db.ds, campaignId, phones, extra);

  const stagesOf = (sessionId: string) => orchestrator.viewsOf(sessionId).map((v) => v.stage);
  const lastView = (sessionId: string): DialSessionView | undefined => orchestrator.lastView(sessionId);

  async function startAndDialIn(projectId: string, holdMs = 120_000, mode: DialMode = 'phone') {
    const started = await api<{ sessionId: string; pin: string; dialInNumber: string }>(
      'POST',
      '/dial-sessions',
      {
        projectId,
        mode,
      },
    );
    expect(started.status).toBe(201);
    expect(started.body.pin).toMatch(/^[0-9]{6}$/);
    const phone = await dialIn({ pins: [started.body.pin], holdMs, promptMs: 800 });
    await eventually(
      'the volunteer leg to join',
      () => lastView(started.body.sessionId)?.stage === 'idle',
      15_000,
    );
    return { sessionId: started.body.sessionId, phone };
  }

  async function attemptOf(projectId: string) {
    return one<{ id: string; outcome: string | null; q850_cause: number | null; released_at: Date | null }>(
      db.ds,
      `SELECT id, outcome, q850_cause, released_at FROM call_attempts WHERE project_id = $1 ORDER BY claimed_at DESC LIMIT 1`,
      [projectId],
    );
  }

  it('dial-in with the right PIN joins the volunteer to their own bridge', async () => {
    const projectId = await projectWith([{ number: '+12025550201' }]);
    const { sessionId, phone } = await startAndDialIn(projectId, 5_000);
    expect(stagesOf(sessionId)).toContain('idle');
    // The volunteer hangs up: the session pauses until they dial in again.
    await phone.exited();
    await eventually('the session to pause', () => lastView(sessionId)?.stage === 'paused', 10_000);
    expect(lastView(sessionId)?.pauseReason).toBe('volunteer-leg-lost');
    await api('POST', `/dial-sessions/${sessionId}/end`);
  });

  it('three wrong PINs end the dial-in politely and are counted against the caller', async () => {
    const before = await rows<{ n: string }>(db.ds, `SELECT count(*) AS n FROM dial_in_failures`);
    const phone = await dialIn({
      pins: ['000001', '000002', '000003'],
      holdMs: 30_000,
      promptMs: 800,
      retryMs: 2500,
    });
    const code = await phone.exited();
    expect(code).toBe(0);
    // Asterisk (not the volunteer) ended the call.
    expect(phone.received('BYE')).toHaveLength(1);
    const after = await rows<{ n: string }>(db.ds, `SELECT count(*) AS n FROM dial_in_failures`);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(3);
  });

  it('a voter who answers is bridged to the volunteer; hang-up, outcome, next call', async () => {
    const projectId = await projectWith([{ number: '+12025550202' }]);
    const { sessionId, phone } = await startAndDialIn(projectId);
    const click = await api<{ accepted: boolean; view: DialSessionView }>(
      'POST',
      `/dial-sessions/${sessionId}/call`,
      {
        requestId: randomUUID(),
      },
    );
    expect(click.body.accepted).toBe(true);
    await eventually('the voter to be connected', () => lastView(sessionId)?.stage === 'connected', 15_000);
    expect(stagesOf(sessionId)).toEqual(
      expect.arrayContaining(['claiming', 'dialing', 'ringing', 'connected']),
    );
    const invite = voters.received('INVITE').find((m) => m.firstLine.includes('+12025550202'));
    expect(invite?.raw).toMatch(/^From: [^\n]*<sip:\+15557654321@/m);
    // The voter never learns who the volunteer is (no connected-line update, no re-INVITE).
    const toThisVoter = voters.messages().filter((m) => m.raw.includes('+12025550202'));
    expect(toThisVoter.some((m) => /dialin|\+15550000100/.test(m.raw))).toBe(false);
    expect(voters.received('INVITE').filter((m) => m.raw.includes('+12025550202'))).toHaveLength(1);

    expect(await orchestrator.gauge('phonebank_voter_channels')).toBe(1);

    await api('POST', `/dial-sessions/${sessionId}/hangup`);
    await eventually('wrap-up', () => lastView(sessionId)?.stage === 'wrap-up', 10_000);
    await eventually(
      'the voter leg to be counted out',
      async () => (await orchestrator.gauge('phonebank_voter_channels')) === 0,
    );
    const attempt = await attemptOf(projectId);
    const done = await api<{ accepted: boolean }>('POST', `/dial-sessions/${sessionId}/outcome`, {
      attemptId: attempt!.id,
      outcome: 'successful',
    });
    expect(done.body.accepted).toBe(true);
    await eventually('idle again', () => lastView(sessionId)?.stage === 'idle', 10_000);
    expect((await attemptOf(projectId))?.outcome).toBe('successful');

    // Queue is now empty: the next click says so, and places no call.
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually('queue-empty notice', () =>
      updates.some((u) => u.sessionId === sessionId && u.notice?.kind === 'queue-empty'),
    );
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await phone.exited();
  });

  it.each([
    ['busy (486)', '+12025550232', 'busy', 17],
    ['failure (503)', '+12025550262', 'failed', 34],
    ['failure (404)', '+12025550252', 'failed', 1],
  ])('%s is recorded by the engine with its cause, no click needed', async (_what, number, outcome, q850) => {
    const projectId = await projectWith([{ number }]);
    const { sessionId, phone } = await startAndDialIn(projectId);
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually(
      `the ${outcome} outcome`,
      async () => (await attemptOf(projectId))?.outcome === outcome,
      15_000,
    );
    expect((await attemptOf(projectId))?.q850_cause).toBe(q850);
    await eventually('the volunteer to be free again', () => lastView(sessionId)?.stage === 'idle', 10_000);
    expect(stagesOf(sessionId)).not.toContain('connected');
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await phone.exited();
  });

  it('a voter ringing past the limit ends as no answer (engine timer, 6 s here)', async () => {
    const projectId = await projectWith([{ number: '+12025550242' }]);
    const { sessionId, phone } = await startAndDialIn(projectId);
    const t0 = Date.now();
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually('no_answer', async () => (await attemptOf(projectId))?.outcome === 'no_answer', 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5_500);
    await eventually('the volunteer to be free again', () => lastView(sessionId)?.stage === 'idle', 10_000);
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await phone.exited();
  });

  it('a repeated "call" request makes one call only', async () => {
    const projectId = await projectWith([{ number: '+12025550203' }, { number: '+12025550204' }]);
    const { sessionId, phone } = await startAndDialIn(projectId);
    const requestId = randomUUID();
    const [a, b, c] = await Promise.all([
      api<{ accepted: boolean; reason: string | null }>('POST', `/dial-sessions/${sessionId}/call`, {
        requestId,
      }),
      api<{ accepted: boolean; reason: string | null }>('POST', `/dial-sessions/${sessionId}/call`, {
        requestId,
      }),
      api<{ accepted: boolean; reason: string | null }>('POST', `/dial-sessions/${sessionId}/call`, {
        requestId: randomUUID(),
      }),
    ]);
    expect([a, b, c].filter((r) => r.body.accepted)).toHaveLength(1);
    await eventually('connected', () => lastView(sessionId)?.stage === 'connected', 15_000);
    const invites = voters
      .received('INVITE')
      .filter((m) => m.firstLine.includes('+12025550203') || m.firstLine.includes('+12025550204'));
    expect(invites).toHaveLength(1);
    const attempts = await rows(db.ds, `SELECT id FROM call_attempts WHERE project_id = $1`, [projectId]);
    expect(attempts).toHaveLength(1);
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await phone.exited();
  });

  it('voicemail drop: the voter hears the recording while the volunteer is free at once', async () => {
    const projectId = await projectWith([{ number: '+12025550272' }, { number: '+12025550205' }]);
    const { sessionId, phone } = await startAndDialIn(projectId);
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually('connected', () => lastView(sessionId)?.stage === 'connected', 15_000);
    const machineAttempt = (await attemptOf(projectId))!.id;
    const voterHears = await RtpCapture.start(voters.mediaPort);
    const dropAt = Date.now();
    const drop = await api<{ accepted: boolean; view: DialSessionView }>(
      'POST',
      `/dial-sessions/${sessionId}/voicemail`,
    );
    expect(drop.body.accepted).toBe(true);
    expect(['voicemail-dropping', 'idle']).toContain(drop.body.view.stage);
    const outcome = await one<{ outcome: string; voicemail_started_at: Date | null }>(
      db.ds,
      `SELECT outcome, voicemail_started_at FROM call_attempts WHERE id = $1`,
      [machineAttempt],
    );
    expect(outcome?.outcome).toBe('voicemail');
    expect(outcome?.voicemail_started_at).not.toBeNull();
    // The recording starts playing to the machine (its own RTP stream; it opens with a quiet moment)…
    await new Promise((r) => setTimeout(r, 2000));
    const recordingStreams = new Set(
      audible(voterHears.snapshot())
        .filter((p) => p.at >= dropAt)
        .map((p) => p.ssrc),
    );
    expect(recordingStreams.size).toBeGreaterThan(0);
    // …and the volunteer calls the next voter while it still plays.
    const next = await api<{ accepted: boolean }>('POST', `/dial-sessions/${sessionId}/call`, {
      requestId: randomUUID(),
    });
    expect(next.body.accepted).toBe(true);
    await eventually('the next voter connected', () => lastView(sessionId)?.stage === 'connected', 15_000);
    const nextConnectedAt = Date.now();
    expect(lastView(sessionId)?.voicemailDropsPlaying).toBe(1);
    // The answering machine keeps hearing the recording while the volunteer talks to the next voter.
    await new Promise((r) => setTimeout(r, 2_000));
    const toVoters = await voterHears.stop();
    const recording = audible(toVoters).filter((p) => recordingStreams.has(p.ssrc) && p.at > nextConnectedAt);
    expect(recording.length).toBeGreaterThan(50);
    await api('POST', `/dial-sessions/${sessionId}/end`);
    await phone.exited();
  });

  it('the volunteer hanging up mid-call ends the voter leg and pauses the session', async () => {
    const projectId = await projectWith([{ number: '+12025550206' }]);
    const { sessionId, phone } = await startAndDialIn(projectId, 6_000);
    await api('POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
    await eventually('connected', () => lastView(sessionId)?.stage === 'connected', 15_000);
    await phone.exited(); // the volunteer's SIPp hangs up at 6 s
    await eventually('paused', () => lastView(sessionId)?.stage === 'paused', 15_000);
    const byes = () =>
      voters
        .messages()
        .filter(
          (m) =>
            m.direction === 'received' && m.firstLine.startsWith('BYE') && m.raw.includes('+12025550206'),
        );
    await eventually('the voter leg to be hung up', () => byes().length >= 1, 10_000);
    await api('POST', `/dial-sessions/${sessionId}/end`);
  });

  it('metering charges connected volunteer minutes to the campaign ledger', async () => {
    const usage = await rows<{ amount_cents: string; session_ref: string }>(
      db.ds,
      `SELECT amount_cents, session_ref FROM credit_ledger WHERE campaign_id = $1 AND reason = 'power-dialing'`,
      [campaignId],
    );
    expect(usage.length).toBeGreaterThan(0);
    for (const u of usage) expect(Number(u.amount_cents)).toBeLessThan(0);
  });

  it('records each volunteer leg for the reports; its charge is exactly what the ledger holds', async () => {
    const legs = await rows<{ session_id: string; connected_at: Date; disconnected_at: Date | null }>(
      db.ds,
      `SELECT l.session_id, l.connected_at, l.disconnected_at FROM dial_session_legs l
       JOIN dial_sessions d ON d.id = l.session_id WHERE d.campaign_id = $1`,
      [campaignId],
    );
    expect(legs.length).toBeGreaterThan(0);
    const rate = await campaignRateMillicentsPerMinute(db.ds, campaignId);
    const closed = [...new Set(legs.map((l) => l.session_id))].filter((id) =>
      legs.every((l) => l.session_id !== id || l.disconnected_at !== null),
    );
    expect(closed.length).toBeGreaterThan(0);
    for (const sessionId of closed) {
      const expected = legs
        .filter((l) => l.session_id === sessionId)
        .reduce(
          (sum, l) =>
            sum +
            chargeForLeg({ connectedAt: l.connected_at, disconnectedAt: l.disconnected_at! }, rate)
              .millicents,
          0,
        );
      const charged = await one<{ millicents: string }>(
        db.ds,
        `SELECT coalesce(round(-sum(amount_cents) * 1000), 0) AS millicents FROM credit_ledger WHERE session_ref = $1`,
        [sessionId],
      );
      expect({ sessionId, millicents: Number(charged!.millicents) }).toEqual({
        sessionId,
        millicents: expected,
      });
    }
  });
});
