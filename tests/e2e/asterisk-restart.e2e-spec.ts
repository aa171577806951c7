import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@phonebank/config';
import type { PbxEvent, PbxPort } from '@phonebank/pbx';
import { AppConfigModule } from '../../apps/orchestrator/src/config/config.module';
import { DialerModule } from '../../apps/orchestrator/src/dialer/dialer.module';
import { VoterCallService, type VoterCallState } from '../../apps/orchestrator/src/dialer/voter-call.service';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { CollectingLogger } from '../support/collecting-logger';
import { eventually } from '../support/eventually';
import {
  ariSettings,
  canControlLocalAsterisk,
  killLocalAsterisk,
  localAsterisk,
} from '../support/local-asterisk';
import { startVoterTrunk, type Sipp } from '../support/sipp';

const describeLocal = canControlLocalAsterisk() ? describe : describe.skip;

/** Asterisk crashes while the orchestrator runs: it must notice, reconnect by itself, and call again. */
describeLocal('Asterisk killed and started again while the orchestrator runs', () => {
  let app: INestApplication;
  let pbx: PbxPort;
  let voters: Sipp;
  const logs = new CollectingLogger();
  const events: PbxEvent[] = [];

  beforeAll(async () => {
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), DialerModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
    pbx = app.get<PbxPort>(PBX_PORT);
    pbx.onEvent((e) => events.push(e));
    await eventually('the first ARI connection', () => pbx.isConnected(), 15_000);
    voters = await startVoterTrunk();
  });

  afterAll(async () => {
    await voters?.stop();
    await app?.close();
    localAsterisk('start'); // leave Asterisk as the next test file expects it
  });

  it('logs the loss, reconnects with no help, and the next call works', async () => {
    killLocalAsterisk();
    await eventually('the orchestrator to notice', () => !pbx.isConnected(), 10_000);
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
    expect(logs.text()).toMatch(/lost Asterisk ARI/);

    // A call while Asterisk is down is refused cleanly, not lost in the void.
    const calls = app.get(VoterCallService);
    await expect(
      calls.place({ attemptId: randomUUID(), number: '+12025550222', callerId: '+15557654321' }),
    ).rejects.toThrow(/not connected/);

    localAsterisk('start');
    await eventually('the orchestrator to reconnect', () => pbx.isConnected(), 60_000, 100);
    expect(events.filter((e) => e.type === 'connected').at(-1)).toMatchObject({ reconnected: true });
    expect(logs.text()).toMatch(/reconnected to Asterisk ARI/);

    const states: VoterCallState[] = [];
    calls.onState((s) => states.push(s));
    const attemptId = randomUUID();
    await calls.place({ attemptId, number: '+12025550222', callerId: '+15557654321' });
    await eventually(
      'the call after the restart to be answered and end',
      () => states.find((s) => s.attemptId === attemptId && s.stage === 'ended'),
      20_000,
    );
    expect(states.filter((s) => s.attemptId === attemptId).map((s) => s.stage)).toEqual([
      'dialing',
      'ringing',
      'answered',
      'ended',
    ]);
  });
});
