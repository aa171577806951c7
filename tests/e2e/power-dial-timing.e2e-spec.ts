import { randomUUID } from 'node:crypto';
import { appendCredit, one } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newUser } from '../../libs/persistence/src/testing/factories';
import { eventually } from '../support/eventually';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { powerProject } from '../support/power-dial-fixtures';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { dialIn } from '../support/volunteer-phone';

/**
 * The real 60 s no-answer limit (SPEC §3), with the default configuration: a voter ringing past
 * 60 s ends as no answer; one who answers at 55 s is connected. Both run at once (~65 s).
 */
describe('the 60 s no-answer limit (real Asterisk, SIPp)', () => {
  let db: TestDatabase;
  let voters: Sipp;
  let orchestrator: OrchestratorHarness;

  beforeAll(async () => {
    db = await createTestDatabase('pb_timing');
    voters = await startVoterTrunk();
    orchestrator = await OrchestratorHarness.start(db.url, { RING_TIMEOUT_SECONDS: '60' });
  });

  afterAll(async () => {
    await orchestrator?.close();
    await voters?.stop();
    await db?.drop();
  });

  it('rings past 60 s: no answer at 60 s; answers at 55 s: connected', async () => {
    const campaign = await newCampaign(db.ds);
    await appendCredit(db.ds, { campaignId: campaign.id, amountCents: 10_000, reason: 'top-up' });
    const { token } = await newUser(db.ds, campaign.id, 'volunteer');
    const ringing = await powerProject(db.ds, campaign.id, [{ number: '+12025550243' }]); // never answers
    const late = await powerProject(db.ds, campaign.id, [{ number: '+12025550284' }]); // answers at 55 s

    const start = async (projectId: string) => {
      const s = await orchestrator.api<{ sessionId: string; pin: string }>(token, 'POST', '/dial-sessions', {
        projectId,
        mode: 'phone',
      });
      const phone = await dialIn({ pins: [s.body.pin], holdMs: 120_000, promptMs: 800 });
      await eventually('leg joined', () => orchestrator.lastView(s.body.sessionId)?.stage === 'idle', 15_000);
      return { sessionId: s.body.sessionId, phone };
    };
    const a = await start(ringing);
    const b = await start(late);

    const t0 = Date.now();
    await Promise.all([
      orchestrator.api(token, 'POST', `/dial-sessions/${a.sessionId}/call`, { requestId: randomUUID() }),
      orchestrator.api(token, 'POST', `/dial-sessions/${b.sessionId}/call`, { requestId: randomUUID() }),
    ]);
    await eventually(
      'the late voter to connect',
      () => orchestrator.lastView(b.sessionId)?.stage === 'connected',
      70_000,
    );
    const connectedAfter = Date.now() - t0;
    expect(connectedAfter).toBeGreaterThanOrEqual(54_000);
    expect(connectedAfter).toBeLessThan(60_000);

    const outcomeOf = (projectId: string) =>
      one<{ outcome: string | null }>(db.ds, `SELECT outcome FROM call_attempts WHERE project_id = $1`, [
        projectId,
      ]);
    await eventually('no answer', async () => (await outcomeOf(ringing))?.outcome === 'no_answer', 15_000);
    const noAnswerAfter = Date.now() - t0;
    expect(noAnswerAfter).toBeGreaterThanOrEqual(59_500);
    expect(noAnswerAfter).toBeLessThan(64_000);
    expect((await outcomeOf(late))?.outcome).toBeNull(); // still talking: the volunteer decides

    for (const s of [a, b]) {
      await orchestrator.api(token, 'POST', `/dial-sessions/${s.sessionId}/end`);
      await s.phone.exited();
    }
  });
});
