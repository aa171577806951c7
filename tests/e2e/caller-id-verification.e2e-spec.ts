import type { CallerIdStatus } from '../../libs/contracts/src/project-audio.contract';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newProject, newUser } from '../../libs/persistence/src/testing/factories';
import { CallerIdModule } from '../../apps/orchestrator/src/caller-id/caller-id.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { eventually } from '../support/eventually';
import { OrchestratorHarness } from '../support/orchestrator-harness';
import { answeringPhone } from '../support/staff-phone';
import type { Sipp } from '../support/sipp';

/**
 * Caller-ID verification end to end (SPEC §4): the engine calls the number through the voter
 * trunk of the real local Asterisk; a SIPp phone answers and types the code shown to staff by
 * RFC 4733 DTMF. The right code verifies the number; wrong codes do not.
 */
describe('caller-ID verification through Asterisk (a SIPp phone types the code)', () => {
  let db: TestDatabase;
  let orchestrator: OrchestratorHarness;
  let campaignId: string;
  let token: string;
  const phones: Sipp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('pb_callerid_e2e');
    orchestrator = await OrchestratorHarness.start(db.url, { RING_TIMEOUT_SECONDS: '30' }, [
      CallerIdModule,
      QueueApiModule,
    ]);
    campaignId = (await newCampaign(db.ds)).id;
    token = (await newUser(db.ds, campaignId, 'organizer')).token;
  });

  afterAll(async () => {
    for (const phone of phones) await phone.stop();
    await orchestrator?.close();
    await db?.drop();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    orchestrator.api<T>(token, method, path, body);
  const status = async (projectId: string) =>
    (await api<CallerIdStatus>('GET', `/projects/${projectId}/caller-id`)).body;

  async function startVerification(projectId: string, callerId: string): Promise<CallerIdStatus> {
    const started = await api<CallerIdStatus>('POST', `/projects/${projectId}/caller-id/verifications`, {
      callerId,
    });
    expect(started.status).toBe(201);
    return started.body;
  }

  it('the person who answers types the code shown on screen: the caller ID is verified', async () => {
    const project = await newProject(db.ds, campaignId);
    const started = await startVerification(project.id, '+12025550301');
    expect(started.callerId).toBe('+12025550301');
    expect(started.verified).toBe(false);
    const code = started.verification?.code ?? '';
    expect(code).toMatch(/^[0-9]{6}$/);

    const phone = await answeringPhone({ steps: [{ wait: 1200 }, { type: code }], holdMs: 20_000 });
    phones.push(phone);
    const verified = await eventually(
      'the caller ID to be verified',
      async () => {
        const s = await status(project.id);
        return s.verified ? s : undefined;
      },
      30_000,
    );
    expect(verified.verification).toMatchObject({ stage: 'verified', code: null });
    expect(verified.campaignVerified.map((v) => v.e164)).toContain('+12025550301');
    // The engine thanks the person and hangs up; the call went out with the campaign's number.
    expect(await phone.exited()).toBe(0);
    expect(phone.received('BYE')).toHaveLength(1);
    const invite = phone.received('INVITE')[0];
    expect(invite.firstLine).toContain('+12025550301');
    expect(invite.raw).toMatch(/^From:.*\+15550000100/m);
  });

  it('wrong codes do not verify: the phone is asked again, then the call ends', async () => {
    const project = await newProject(db.ds, campaignId);
    const started = await startVerification(project.id, '+12025550302');
    const code = started.verification?.code ?? '';
    const wrong = [...code].map((d) => String((Number(d) + 1) % 10)).join('');
    const phone = await answeringPhone({
      steps: [
        { wait: 1200 },
        { type: wrong },
        { wait: 1500 },
        { type: wrong },
        { wait: 1500 },
        { type: wrong },
      ],
      holdMs: 20_000,
    });
    phones.push(phone);
    const failed = await eventually(
      'the verification to fail',
      async () => {
        const s = await status(project.id);
        return s.verification?.stage === 'failed' ? s : undefined;
      },
      40_000,
    );
    expect(failed.verification).toMatchObject({ failure: 'wrong-code', triesLeft: 0, code: null });
    expect(failed.verified).toBe(false);
    expect(failed.campaignVerified.map((v) => v.e164)).not.toContain('+12025550302');
    expect(await phone.exited()).toBe(0);
    expect(phone.received('BYE')).toHaveLength(1);
    // The power dialer refuses the unverified caller ID.
    const session = await api<{ code: string }>('POST', '/dial-sessions', {
      projectId: project.id,
      mode: 'phone',
    });
    expect(session.status).toBe(409);
    expect(session.body.code).toBe('CALLER_ID_UNVERIFIED');
  });

  it('another project of the campaign reuses a verified number at once; a new number un-verifies it', async () => {
    const project = await newProject(db.ds, campaignId);
    await eventually('an earlier test to have verified +12025550301', async () =>
      (await status(project.id)).campaignVerified.some((v) => v.e164 === '+12025550301'),
    );
    const reused = await startVerification(project.id, '+12025550301');
    expect(reused).toMatchObject({ callerId: '+12025550301', verified: true, verification: null });

    const patched = await api('PATCH', `/projects/${project.id}`, { callerId: '+12025550303' });
    expect(patched.status).toBe(200);
    expect(await status(project.id)).toMatchObject({ callerId: '+12025550303', verified: false });
    const session = await api<{ code: string }>('POST', '/dial-sessions', {
      projectId: project.id,
      mode: 'phone',
    });
    expect(session.body.code).toBe('CALLER_ID_UNVERIFIED');
  });

  it('validates the number and keeps other campaigns out', async () => {
    const project = await newProject(db.ds, campaignId);
    const bad = await api<{ message: string[] }>('POST', `/projects/${project.id}/caller-id/verifications`, {
      callerId: '202-555-0199',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join(' ')).toMatch(/E\.164/);
    const extra = await api('POST', `/projects/${project.id}/caller-id/verifications`, {
      callerId: '+12025550304',
      code: '123456',
    });
    expect(extra.status).toBe(400);

    const otherCampaign = (await newCampaign(db.ds)).id;
    const outsider = (await newUser(db.ds, otherCampaign, 'admin')).token;
    const peek = await orchestrator.api(outsider, 'GET', `/projects/${project.id}/caller-id`);
    expect(peek.status).toBe(404);
    const volunteer = (await newUser(db.ds, campaignId, 'volunteer')).token;
    const denied = await orchestrator.api(
      volunteer,
      'POST',
      `/projects/${project.id}/caller-id/verifications`,
      {
        callerId: '+12025550305',
      },
    );
    expect(denied.status).toBe(403);
  });
});
