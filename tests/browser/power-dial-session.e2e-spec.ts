/**
 * Power dialing by phone in a real browser: the volunteer starts a session on the call screen,
 * SIPp dials in with the PIN shown there, the volunteer presses Call, a SIPp voter rings and
 * answers, and the screen shows "ringing" then "answered" as the engine pushes them over
 * Socket.IO (the test checks nothing polled the session). Needs the built web app and the local
 * Asterisk (`bash asterisk/provision.sh start`; tests/run-all.sh starts it).
 */
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '@phonebank/config';
import type { PbxPort } from '@phonebank/pbx';
import { appendCredit, createUser, one } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newProject, newVoters, target } from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { GatewayModule } from '../../apps/orchestrator/src/gateway/gateway.module';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { PowerDialModule } from '../../apps/orchestrator/src/power-dial/power-dial.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { daytimeClock } from '../support/daytime-clock';
import { eventually } from '../support/eventually';
import { ariSettings } from '../support/local-asterisk';
import { startVoterTrunk, type Sipp } from '../support/sipp';
import { dialIn } from '../support/volunteer-phone';
import {
  SCREENSHOTS,
  assertPrerequisites,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
  createLoginUser,
} from './support/browser-app.harness';

const PASSWORD = 'dial in and call them all';
/** Voter trunk class 8 (tests/sipp/voter-trunk.xml): rings for 55 s, then answers. */
const LATE_ANSWER = '+12025550281';

describe('power dialing by phone in the browser (SIPp volunteer and voter, pushed call states)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser;
  let voters: Sipp | undefined;
  let volunteerPhone: Sipp | undefined;
  let projectId = '';
  let ownerToken = '';
  let strangerToken = '';

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_power');
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
      ASTERISK_ARI_APP: ari.app,
      RING_TIMEOUT_SECONDS: '65',
    });
    running = await startOrchestrator({
      config,
      databaseUrl: db.url,
      modules: [QueueApiModule, AuthModule, PowerDialModule, GatewayModule],
      clock: daytimeClock(),
    });
    await eventually('ARI connection', () => running.app.get<PbxPort>(PBX_PORT).isConnected(), 15_000);
    voters = await startVoterTrunk();

    const campaign = await newCampaign(db.ds, { name: 'Sam for Senate' });
    await appendCredit(db.ds, { campaignId: campaign.id, amountCents: 10_000, reason: 'test top-up' });
    const { user, apiToken } = await createLoginUser(
      db.ds,
      { campaignId: campaign.id, role: 'volunteer', name: 'Pat Power', email: 'pat@example.org' },
      PASSWORD,
    );
    ownerToken = apiToken;
    strangerToken = (
      await createUser(db.ds, { campaignId: campaign.id, role: 'volunteer', name: 'Other One' })
    ).apiToken;
    const project = await newProject(db.ds, campaign.id, {
      name: 'Power hour',
      callerId: '+15557654321',
      script: 'Hello {firstName}, this is {volunteerName}.',
    });
    projectId = project.id;
    await db.ds.query(
      `UPDATE projects SET caller_id_verified_at = now(), voicemail_recording = 'sound:tt-monkeys' WHERE id = $1`,
      [projectId],
    );
    await db.ds.query('INSERT INTO project_access (project_id, user_id) VALUES ($1, $2)', [
      projectId,
      user.id,
    ]);
    await newVoters(db.ds, campaign.id, [
      {
        externalId: 'P1',
        firstName: 'Rita',
        lastName: 'Ringer',
        state: 'DC',
        tags: ['ph'],
        phones: [{ number: LATE_ANSWER }],
      },
    ]);
    await target(db.ds, campaign.id, projectId, { tagsAny: ['ph'] });
    browser = await launchBrowser({ width: 1100, height: 900 });
  });

  afterAll(async () => {
    await volunteerPhone?.stop().catch(() => undefined);
    await browser?.close();
    await voters?.stop();
    await running?.app.close();
    await db?.drop();
  });

  it('shows the dial-in number and PIN, then "connected", "ringing" and "answered" as they are pushed', async () => {
    const { page } = browser;
    await logIn(page, running.baseUrl, 'pat@example.org', PASSWORD);
    await page.getByRole('link', { name: 'Start calling for Power hour' }).click();
    await page.getByRole('radio', { name: /Power dialing by phone/ }).check();
    await page.getByRole('button', { name: 'Start session' }).click();

    const pin = (await page.locator('.dial-in .pin').textContent({ timeout: 10_000 }))!.trim();
    expect(pin).toMatch(/^[0-9]{6}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'call-power-dial-in.png'), fullPage: true });
    await page.getByText('Live', { exact: true }).waitFor();

    volunteerPhone = await dialIn({ pins: [pin], holdMs: 150_000, promptMs: 800 });
    await page.getByText('Your phone is connected.').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'call-power-connected.png'), fullPage: true });
    await checkSocketAuthentication();

    // From here on, every request the page makes is recorded: states must arrive by push.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.getByRole('button', { name: 'Call', exact: true }).click();

    const status = page.locator('.call-state strong');
    await page.locator('.call-state strong[data-state="ringing"]').waitFor({ timeout: 20_000 });
    await expect(status.textContent()).resolves.toBe('Ringing…');
    await page.locator('.call-status .number').getByText('(202) 555-0281').waitFor();
    await page.getByText('Hello Rita, this is Pat Power.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'call-power-ringing.png'), fullPage: true });

    await page.locator('.call-state strong[data-state="answered"]').waitFor({ timeout: 75_000 });
    await expect(status.textContent()).resolves.toBe('Answered');
    await page.screenshot({ path: join(SCREENSHOTS, 'call-power-answered.png'), fullPage: true });

    const sessionReads = requests.filter((r) => /^GET \/api\/dial-sessions/.test(r));
    expect(sessionReads).toEqual([]);
    expect(requests.filter((r) => r.startsWith('POST '))).toEqual([
      expect.stringMatching(/^POST \/api\/dial-sessions\/[0-9a-f-]+\/call$/),
    ]);

    // The volunteer records the outcome on the screen; the engine hangs the voter up.
    await page.getByRole('button', { name: 'Successful' }).click();
    await page.getByText('Recorded “Successful”. Press Call for the next number.').waitFor();
    const attempt = await one<{ outcome: string; e164: string }>(
      db.ds,
      'SELECT outcome, e164 FROM call_attempts WHERE project_id = $1',
      [projectId],
    );
    expect(attempt).toEqual({ outcome: 'successful', e164: LATE_ANSWER });

    await page.getByRole('button', { name: 'End session' }).click();
    await page.waitForURL(/\/projects$/);
    expect(browser.pageErrors).toEqual([]);
  }, 180_000);

  /** The gateway authenticates at the handshake and lets only the owner into a session's room. */
  async function checkSocketAuthentication(): Promise<void> {
    const { id: sessionId } = (await one<{ id: string }>(
      db.ds,
      'SELECT id FROM dial_sessions WHERE project_id = $1 AND ended_at IS NULL',
      [projectId],
    ))!;
    const connect = (auth: Record<string, string>): Socket =>
      io(running.baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth });
    const anonymous = connect({ sessionId });
    const refused = await new Promise<Error>((resolve) => anonymous.on('connect_error', resolve));
    expect(refused.message).toBe('UNAUTHENTICATED');
    anonymous.close();

    const stranger = connect({ sessionId, token: strangerToken });
    await expect(new Promise((resolve) => stranger.on('session.error', resolve))).resolves.toMatchObject({
      code: 'NOT_FOUND',
    });
    stranger.close();

    // The owner (here with an API token instead of the cookie) gets the current view at once.
    const owner = connect({ sessionId, token: ownerToken });
    await expect(new Promise((resolve) => owner.on('session.snapshot', resolve))).resolves.toMatchObject({
      sessionId,
      view: { stage: 'idle', callButton: { available: true } },
    });
    owner.close();
  }
});
