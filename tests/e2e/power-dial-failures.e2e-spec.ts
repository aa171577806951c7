import { randomUUID } from 'node:crypto';
import { appendCredit, one, rows } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newUser } from '../../libs/persistence/src/testing/factories';
import { eventually } from '../support/eventually';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { powerProject } from '../support/power-dial-fixtures';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { dialIn } from '../support/volunteer-phone';

/** Power dialing when things go wrong: the orchestrator dies mid-call; the credit runs out. */
describe('power dialing failures (real Asterisk, SIPp)', () => {
  let db: TestDatabase;
  let voters: Sipp;

  beforeAll(async () => {
    db = await createTestDatabase('pb_power_fail');
    voters = await startVoterTrunk();
  });

  afterAll(async () => {
    await voters?.stop();
    await db?.drop();
  });

  const invitesTo = (number: string) => voters.received('INVITE').filter((m) => m.firstLine.includes(number));
  const byesFor = (number: string) =>
    voters
      .messages()
      .filter((m) => m.direction === 'received' && m.firstLine.startsWith('BYE') && m.raw.includes(number));

  it('orchestrator gone mid-call: the next one ends the orphaned calls, frees the phone, never dials it twice at once', async () => {
    const campaign = await newCampaign(db.ds);
    await appendCredit(db.ds, { campaignId: campaign.id, amountCents: 10_000, reason: 'top-up' });
    const { token } = await newUser(db.ds, campaign.id, 'volunteer');
    const number = '+12025550207';
    const projectId = await powerProject(db.ds, campaign.id, [{ number }]);

    const first = await OrchestratorHarness.start(db.url);
    const started = await first.api<{ sessionId: string; pin: string }>(token, 'POST', '/dial-sessions', {
      projectId,
      mode: 'phone',
    });
    const volunteer = await dialIn({ pins: [started.body.pin], holdMs: 120_000, promptMs: 800 });
    await eventually('leg joined', () => first.lastView(started.body.sessionId)?.stage === 'idle', 15_000);
    await first.api(token, 'POST', `/dial-sessions/${started.body.sessionId}/call`, {
      requestId: randomUUID(),
    });
    await eventually(
      'connected',
      () => first.lastView(started.body.sessionId)?.stage === 'connected',
      15_000,
    );
    const attempt = await one<{ id: string }>(db.ds, `SELECT id FROM call_attempts WHERE project_id = $1`, [
      projectId,
    ]);

    // The orchestrator goes away without cleaning anything up (its state is only in memory
    // and in PostgreSQL): both legs are still up in Asterisk, the phone is still claimed.
    await first.close();
    const claimed = await one<{ claimed_by: string | null; lease_expires_at: Date }>(
      db.ds,
      `SELECT claimed_by, lease_expires_at FROM queue_entries WHERE project_id = $1`,
      [projectId],
    );
    expect(claimed?.claimed_by).not.toBeNull();
    expect(byesFor(number)).toHaveLength(0);

    const second = await OrchestratorHarness.start(db.url);
    try {
      await eventually('the orphaned voter leg to be hung up', () => byesFor(number).length >= 1, 15_000);
      await volunteer.exited(); // the volunteer's leg was ended too; they start a new session
      expect(volunteer.received('BYE')).toHaveLength(1);
      const after = await one<{ released_at: Date | null; outcome: string | null }>(
        db.ds,
        `SELECT released_at, outcome FROM call_attempts WHERE id = $1`,
        [attempt!.id],
      );
      expect(after?.released_at).not.toBeNull();
      const session = await one<{ ended_at: Date | null }>(
        db.ds,
        `SELECT ended_at FROM dial_sessions WHERE id = $1`,
        [started.body.sessionId],
      );
      expect(session?.ended_at).not.toBeNull();
      const entry = await one<{ claimed_by: string | null; lease_expires_at: Date; state: string }>(
        db.ds,
        `SELECT claimed_by, lease_expires_at, state FROM queue_entries WHERE project_id = $1`,
        [projectId],
      );
      expect(entry?.state).toBe('queued');
      expect(entry?.claimed_by).toBeNull();
      expect(invitesTo(number)).toHaveLength(1);

      // The phone is back in the queue: a new session may call it, once, after the first call ended.
      const again = await second.api<{ sessionId: string; pin: string }>(token, 'POST', '/dial-sessions', {
        projectId,
        mode: 'phone',
      });
      const phone2 = await dialIn({ pins: [again.body.pin], holdMs: 60_000, promptMs: 800 });
      await eventually('leg joined', () => second.lastView(again.body.sessionId)?.stage === 'idle', 15_000);
      await second.api(token, 'POST', `/dial-sessions/${again.body.sessionId}/call`, {
        requestId: randomUUID(),
      });
      await eventually(
        'connected again',
        () => second.lastView(again.body.sessionId)?.stage === 'connected',
        15_000,
      );
      expect(invitesTo(number)).toHaveLength(2);
      await second.api(token, 'POST', `/dial-sessions/${again.body.sessionId}/end`);
      await phone2.exited();
    } finally {
      await second.close();
    }
  });

  it('credit running out: the session ends after the current call, and no new session starts', async () => {
    // 2.9 ¢/min; a session needs one minute of credit in reserve: 3 ¢ lets it start, barely.
    const campaign = await newCampaign(db.ds);
    await appendCredit(db.ds, { campaignId: campaign.id, amountCents: 3, reason: 'tiny top-up' });
    const { token } = await newUser(db.ds, campaign.id, 'volunteer');
    const projectId = await powerProject(db.ds, campaign.id, [
      { number: '+12025550208' },
      { number: '+12025550209' },
    ]);

    const orchestrator = await OrchestratorHarness.start(db.url);
    try {
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
      const sessionId = started.body.sessionId;
      const volunteer = await dialIn({ pins: [started.body.pin], holdMs: 120_000, promptMs: 800 });
      await eventually('leg joined', () => orchestrator.lastView(sessionId)?.stage === 'idle', 15_000);
      await orchestrator.api(token, 'POST', `/dial-sessions/${sessionId}/call`, { requestId: randomUUID() });
      await eventually('connected', () => orchestrator.lastView(sessionId)?.stage === 'connected', 15_000);

      // Some leg time passes, the meter runs: under a minute of credit is left.
      await new Promise((r) => setTimeout(r, 1_500));
      await orchestrator.sessions.meterNow(sessionId);
      await eventually(
        'credits exhausted',
        () => orchestrator.lastView(sessionId)?.credits === 'exhausted',
        5_000,
      );
      // The call in progress is not cut.
      expect(orchestrator.lastView(sessionId)?.stage).toBe('connected');
      expect(orchestrator.lastView(sessionId)?.callButton).toMatchObject({ available: false });

      await orchestrator.api(token, 'POST', `/dial-sessions/${sessionId}/hangup`);
      await eventually('wrap-up', () => orchestrator.lastView(sessionId)?.stage === 'wrap-up', 10_000);
      const attempt = await one<{ id: string }>(db.ds, `SELECT id FROM call_attempts WHERE project_id = $1`, [
        projectId,
      ]);
      await orchestrator.api(token, 'POST', `/dial-sessions/${sessionId}/outcome`, {
        attemptId: attempt!.id,
        outcome: 'successful',
      });
      await eventually(
        'the session to end',
        () => orchestrator.lastView(sessionId)?.stage === 'ended',
        10_000,
      );
      expect(orchestrator.lastView(sessionId)?.endReason).toBe('credits-exhausted');
      await volunteer.exited();
      expect(volunteer.received('BYE')).toHaveLength(1);

      const usage = await rows<{ amount_cents: string }>(
        db.ds,
        `SELECT amount_cents FROM credit_ledger WHERE campaign_id = $1 AND reason = 'power-dialing'`,
        [campaign.id],
      );
      expect(usage.length).toBeGreaterThan(0);
      const refused = await orchestrator.api<{ code: string }>(token, 'POST', '/dial-sessions', {
        projectId,
        mode: 'phone',
      });
      expect(refused.status).toBe(402);
      expect(refused.body.code).toBe('NO_CREDIT');
    } finally {
      await orchestrator.close();
    }
  });
});
