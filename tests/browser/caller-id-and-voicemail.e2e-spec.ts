/**
 * The caller-ID and voicemail pages of a project in a real browser (SPEC §4): a staff member
 * verifies a caller ID (the engine calls a SIPp phone through the local Asterisk; the phone types
 * the code shown on the page by DTMF; the page turns "Verified" as the engine pushes it), then
 * uploads a voicemail recording and listens to it on the page. Needs the built web app and the
 * local Asterisk.
 */
import { join } from 'node:path';
import { loadConfig } from '@phonebank/config';
import type { PbxPort } from '@phonebank/pbx';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign, newProject } from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { CallerIdModule } from '../../apps/orchestrator/src/caller-id/caller-id.module';
import { GatewayModule } from '../../apps/orchestrator/src/gateway/gateway.module';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { PowerDialModule } from '../../apps/orchestrator/src/power-dial/power-dial.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { VoicemailModule } from '../../apps/orchestrator/src/voicemail/voicemail.module';
import { eventually } from '../support/eventually';
import { ariSettings } from '../support/local-asterisk';
import type { Sipp } from '../support/sipp';
import { answeringPhone } from '../support/staff-phone';
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

const PASSWORD = 'verify the number first';

/** A 3-second 440 Hz tone as a 16 kHz mono WAV (not what the PBX plays: the server converts it). */
function toneWav(seconds: number): Buffer {
  const rate = 16_000;
  const frames = rate * seconds;
  const out = Buffer.alloc(44 + frames * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + frames * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++)
    out.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return out;
}

describe('caller ID and voicemail pages in the browser (SIPp phone, pushed status)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser;
  let phone: Sipp | undefined;
  let projectId = '';

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_callerid');
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
      ASTERISK_ARI_APP: ari.app,
      RING_TIMEOUT_SECONDS: '30',
    });
    running = await startOrchestrator({
      config,
      databaseUrl: db.url,
      modules: [QueueApiModule, AuthModule, PowerDialModule, CallerIdModule, VoicemailModule, GatewayModule],
    });
    await eventually('ARI connection', () => running.app.get<PbxPort>(PBX_PORT).isConnected(), 15_000);
    const campaign = await newCampaign(db.ds, { name: 'Verify and record' });
    await createLoginUser(
      db.ds,
      {
        campaignId: campaign.id,
        role: 'organizer',
        name: 'Olive Organizer',
        email: 'olive@example.org',
      },
      PASSWORD,
    );
    projectId = (await newProject(db.ds, campaign.id, { name: 'Get out the vote' })).id;
    browser = await launchBrowser({ width: 1100, height: 900 });
    await logIn(browser.page, running.baseUrl, 'olive@example.org', PASSWORD);
  });

  afterAll(async () => {
    await phone?.stop().catch(() => undefined);
    await browser?.close();
    await running?.app.close();
    await db?.drop();
  });

  it('verifies a caller ID: the code shows, the phone types it, "Verified" is pushed to the page', async () => {
    const { page } = browser;
    const statusLoads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && r.url().endsWith(`/api/projects/${projectId}/caller-id`))
        statusLoads.push(r.url());
    });
    await page.goto(`${running.baseUrl}/staff/projects/${projectId}/caller-id`);
    await page.getByRole('heading', { level: 1, name: 'Caller ID' }).waitFor();
    await page.getByTestId('caller-id-state').getByText('No caller ID yet', { exact: false }).waitFor();

    // A wrong number is refused on the page, before anything is called.
    await page.getByLabel('Number to verify').fill('555-01');
    await page.getByRole('button', { name: 'Verify by phone' }).click();
    await page.getByText('Enter the number with its area code', { exact: false }).waitFor();

    await page.getByLabel('Number to verify').fill('(202) 555-0321');
    await page.getByRole('button', { name: 'Verify by phone' }).click();
    const code = (await page.getByTestId('verification-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[0-9]{6}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'staff-caller-id-code.png'), fullPage: true });

    phone = await answeringPhone({ steps: [{ wait: 1200 }, { type: code }], holdMs: 20_000 });
    await page
      .getByTestId('caller-id-state')
      .getByText('Verified', { exact: true })
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('verification-message').getByText('is verified', { exact: false }).waitFor();
    expect(await page.getByTestId('current-caller-id').textContent()).toBe('(202) 555-0321');
    await expect(page.getByTestId('verification-code').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'staff-caller-id-verified.png'), fullPage: true });
    // Every step reached the page over Socket.IO: the status was loaded once, never polled.
    expect(statusLoads).toHaveLength(1);
    expect(await phone.exited()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });

  it('uploads a voicemail recording, shows it and plays it on the page', async () => {
    const { page } = browser;
    await page.goto(`${running.baseUrl}/staff/projects/${projectId}/voicemail`);
    await page.getByRole('heading', { level: 1, name: 'Voicemail message' }).waitFor();
    await page.getByTestId('recording-summary').getByText('No message yet', { exact: false }).waitFor();

    // Not audio: refused with the server's reason.
    await page.getByLabel(/WAV or MP3 file/).setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('this is not a recording'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('this is not a WAV or MP3 file', { exact: false }).waitFor();

    await page.getByLabel(/WAV or MP3 file/).setInputFiles({
      name: 'message.wav',
      mimeType: 'audio/wav',
      buffer: toneWav(3),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .getByTestId('recording-summary')
      .getByText('Uploaded (message.wav) · 3.0 s', { exact: false })
      .waitFor();
    await page.getByText('Saved “message.wav” as the project’s message.').waitFor();

    // The <audio> element loads the recording through the authorized route and plays it.
    const audio = page.getByTestId('recording-audio');
    expect(await audio.getAttribute('src')).toMatch(
      new RegExp(`^/api/projects/${projectId}/voicemail/audio\\?v=`),
    );
    await page.evaluate(`(async () => {
      const a = document.querySelector('[data-testid="recording-audio"]');
      a.muted = true;
      await a.play();
    })()`);
    await eventually(
      'the recording to play in the page',
      async () =>
        (await page.evaluate(
          `(() => { const a = document.querySelector('[data-testid="recording-audio"]'); return a.currentTime > 0.5 && Math.abs(a.duration - 3) < 0.1; })()`,
        )) as boolean,
      10_000,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'staff-voicemail-uploaded.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });
});
