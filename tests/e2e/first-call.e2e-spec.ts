import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@phonebank/config';
import type { PbxPort } from '@phonebank/pbx';
import { AppConfigModule } from '../../apps/orchestrator/src/config/config.module';
import { DialerModule } from '../../apps/orchestrator/src/dialer/dialer.module';
import { VoterCallService, type VoterCallState } from '../../apps/orchestrator/src/dialer/voter-call.service';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { eventually } from '../support/eventually';
import { ariSettings } from '../support/local-asterisk';
import { startVoterTrunk, type Sipp } from '../support/sipp';

/**
 * The first real calls: the orchestrator's dialer originates through the real local
 * Asterisk over ARI; SIPp plays the voters (tests/sipp/voter-trunk.xml).
 */
describe('first real call through Asterisk (SIPp voters)', () => {
  let app: INestApplication;
  let calls: VoterCallService;
  let voters: Sipp;
  const states: VoterCallState[] = [];
  const CALLER_ID = '+15557654321';

  beforeAll(async () => {
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
      ASTERISK_ARI_APP: ari.app,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), DialerModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
    calls = app.get(VoterCallService);
    calls.onState((s) => states.push(s));
    const pbx = app.get<PbxPort>(PBX_PORT);
    await eventually('the orchestrator to connect to ARI', () => pbx.isConnected(), 15_000);
    voters = await startVoterTrunk();
  });

  afterAll(async () => {
    await voters?.stop();
    await app?.close();
  });

  const stagesOf = (attemptId: string) => states.filter((s) => s.attemptId === attemptId).map((s) => s.stage);
  const endOf = (attemptId: string) =>
    states.find(
      (s): s is Extract<VoterCallState, { stage: 'ended' }> =>
        s.attemptId === attemptId && s.stage === 'ended',
    );

  it('a voter who answers: SIPp gets an INVITE carrying the caller ID; the orchestrator sees answered, then the hang-up', async () => {
    const attemptId = randomUUID();
    await calls.place({ attemptId, number: '+12025550221', callerId: CALLER_ID }); // answers, hangs up after 2 s

    const end = await eventually('the answered call to end', () => endOf(attemptId), 20_000);
    expect(stagesOf(attemptId)).toEqual(['dialing', 'ringing', 'answered', 'ended']);
    expect(end.classification.result).toBe('answered');

    const invite = voters.received('INVITE').find((m) => m.firstLine.includes('+12025550221'));
    expect(invite).toBeDefined();
    expect(invite?.raw).toMatch(new RegExp(`^From: [^\\n]*<sip:\\${CALLER_ID}@`, 'm'));
  });

  it('a voter answering 486 comes out as busy', async () => {
    const attemptId = randomUUID();
    await calls.place({ attemptId, number: '+12025550231', callerId: CALLER_ID });
    const end = await eventually('the busy call to end', () => endOf(attemptId), 15_000);
    expect(end.classification).toEqual({ result: 'busy' });
    expect(end.cause.q850).toBe(17);
    expect(stagesOf(attemptId)).not.toContain('answered');
  });

  it.each([
    ['404', '+12025550251', 'permanent'],
    ['503', '+12025550261', 'temporary'],
  ])('a voter answering %s comes out as failed (%s)', async (_code, number, failure) => {
    const attemptId = randomUUID();
    await calls.place({ attemptId, number, callerId: CALLER_ID });
    const end = await eventually('the failed call to end', () => endOf(attemptId), 15_000);
    expect(end.classification).toEqual({ result: 'failed', failure });
    expect(stagesOf(attemptId)).not.toContain('answered');
  });

  it('a voter who only rings is ended by the engine’s own timer as no answer', async () => {
    const attemptId = randomUUID();
    await calls.place({ attemptId, number: '+12025550241', callerId: CALLER_ID, ringTimeoutSeconds: 5 });
    const end = await eventually('the ringing call to be given up', () => endOf(attemptId), 15_000);
    expect(end.classification).toEqual({ result: 'no-answer' });
    expect(stagesOf(attemptId)).toEqual(['dialing', 'ringing', 'ended']);
    const ended = end.at.getTime() - states.find((s) => s.attemptId === attemptId)!.at.getTime();
    expect(ended).toBeGreaterThanOrEqual(4_900);
    expect(ended).toBeLessThan(8_000);
  });

  it('the same attempt id cannot place a second call', async () => {
    const attemptId = randomUUID();
    const number = '+12025550209'; // answers and stays on the line
    await calls.place({ attemptId, number, callerId: CALLER_ID });
    await expect(calls.place({ attemptId, number, callerId: CALLER_ID })).rejects.toThrow(
      /already being dialed/,
    );
    await eventually('the call to be answered', () => stagesOf(attemptId).includes('answered'), 10_000);
    await calls.hangUp(attemptId);
    const end = await eventually('the call to end', () => endOf(attemptId), 10_000);
    expect(end.classification.result).toBe('answered');
    expect(voters.received('INVITE').filter((m) => m.firstLine.includes(number))).toHaveLength(1);
  });
});
