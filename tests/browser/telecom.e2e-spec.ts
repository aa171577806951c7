/**
 * Issue 6 (SPEC §7) in a real browser (Debian's Chromium via playwright-core) against the real
 * API on a real PostgreSQL and the real local Asterisk: a telecom user creates a trunk (it is
 * pushed to Asterisk at once), sees its health figures from the call records, changes its
 * limits, disables it (it leaves Asterisk), and reads the caller-ID registration hints.
 * Needs `npm run build:web` and a running Asterisk (`bash asterisk/provision.sh start`).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '@phonebank/config';
import { one } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  claim,
  newCampaign,
  newProject,
  newUser,
  newVoters,
  target,
} from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { PBX_PORT } from '../../apps/orchestrator/src/pbx/pbx.module';
import { TrunksModule } from '../../apps/orchestrator/src/trunks/trunks.module';
import type { PbxPort } from '@phonebank/pbx';
import { eventually } from '../support/eventually';
import { ariSettings } from '../support/local-asterisk';
import {
  SCREENSHOTS,
  api,
  assertPrerequisites,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
  createLoginUser,
  daytimeZone,
} from './support/browser-app.harness';

const PASSWORD = 'correct horse battery staple';
const TRUNK = 'browser-carrier';

describe('the Telecom page in the browser (issue 6)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser | undefined;
  let baseUrl: string;
  let campaignId: string;
  let volunteerToken: string;
  const email = 'tess.telecom@example.org';

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  const ariStatus = async (type: string, id: string) => {
    const ari = ariSettings();
    const res = await fetch(`${ari.url}/ari/asterisk/config/dynamic/res_pjsip/${type}/${id}`, {
      headers: { authorization: `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}` },
    });
    await res.body?.cancel();
    return res.status;
  };

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_telecom');
    const ari = ariSettings();
    const config = loadConfig({
      ASTERISK_ARI_URL: ari.url,
      ASTERISK_ARI_USER: ari.user,
      ASTERISK_ARI_PASSWORD: ari.password,
      // Its own Stasis application: this test places no call and takes no call from anyone.
      ASTERISK_ARI_APP: 'phonebank-telecom-test',
    });
    running = await startOrchestrator({ config, databaseUrl: db.url, modules: [AuthModule, TrunksModule] });
    baseUrl = running.baseUrl;
    await eventually('ARI connection', () => running.app.get<PbxPort>(PBX_PORT).isConnected(), 15_000);
    campaignId = (await newCampaign(db.ds, { name: 'Sam for Senate' })).id;
    await createLoginUser(db.ds, { campaignId, role: 'telecom', name: 'Tess Telecom', email }, PASSWORD);
    volunteerToken = (await newUser(db.ds, campaignId, 'volunteer')).token;
    browser = await launchBrowser({ width: 1280, height: 900 });
    await logIn(browser.page, baseUrl, email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await db?.drop();
  });

  it('volunteers cannot see or change trunks', async () => {
    expect((await api(baseUrl, volunteerToken, 'GET', '/trunks')).status).toBe(403);
    expect(
      (await api(baseUrl, volunteerToken, 'POST', '/trunks', { name: 'x', sipHost: 'h.example' })).status,
    ).toBe(403);
  });

  it('creates a trunk that reaches Asterisk, shows its health, changes and disables it', async () => {
    const { page } = browser!;
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Telecom' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Telecom' }).waitFor();
    // The simulated voter trunk of pjsip.conf is there, as a static trunk.
    await page
      .locator('tr[data-trunk="voter-trunk"]')
      .getByText('Defined in the phone system files.')
      .waitFor();

    await page.getByRole('button', { name: 'New trunk' }).click();
    await page.getByLabel('Name', { exact: true }).fill(TRUNK);
    await page.getByLabel('SIP host').fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill('5090');
    await page.getByLabel('Username').fill('acct-77');
    await page.getByLabel('Password', { exact: true }).fill('browser-secret-77');
    await page.getByLabel('Codecs, in order of preference').fill('g722, mp3');
    await page.getByLabel('Maximum concurrent calls').fill('4');
    await page.getByLabel('Maximum calls per second').fill('2');
    await page.getByLabel(/Allowed caller IDs/).fill('+1202555*');
    await page.getByRole('button', { name: 'Create trunk' }).click();
    // Checked in the page before anything is sent.
    await page.getByText('Codecs: unknown mp3.').waitFor();
    await page.getByLabel('Codecs, in order of preference').fill('g722, ulaw');
    await page.getByRole('button', { name: 'Create trunk' }).click();
    await page.getByRole('status').getByText(`Trunk ${TRUNK} saved. In the phone system.`).waitFor();
    const row = page.locator(`tr[data-trunk="${TRUNK}"]`);
    await row.getByText('4 calls, 2 calls/s').waitFor();
    await row.getByText('user acct-77, password set').waitFor();
    expect(await page.content()).not.toContain('browser-secret-77');
    // In Asterisk now, without a restart.
    expect(await ariStatus('endpoint', TRUNK)).toBe(200);
    expect(await ariStatus('auth', `${TRUNK}-auth`)).toBe(200);

    // Calls went out on it (the call records the engine writes): 2 answered, 1 busy, 1 carrier failure.
    const trunk = await one<{ id: string }>(db.ds, `SELECT id FROM trunks WHERE name = $1`, [TRUNK]);
    const project = await newProject(db.ds, campaignId);
    const numbers = ['+12025550231', '+12025550232', '+12025550233', '+12025550234'];
    await newVoters(
      db.ds,
      campaignId,
      numbers.map((n) => ({ tags: ['t'], timeZone: daytimeZone(), phones: [{ number: n }] })),
    );
    await target(db.ds, campaignId, project.id, { tagsAny: ['t'] });
    const user = await newUser(db.ds, campaignId, 'volunteer');
    const plan = [
      { ringMs: 900, talkS: 40, q850: 16 },
      { ringMs: 1100, talkS: 80, q850: 16 },
      { ringMs: 1000, talkS: null, q850: 17 },
      { ringMs: null, talkS: null, q850: 34 },
    ];
    for (const [i, p] of plan.entries()) {
      const c = await claim(db.ds, project.id, user.id, new Date());
      const start = new Date(Date.now() - 3600_000 + i * 60_000);
      const answered = p.talkS === null ? null : new Date(start.getTime() + 4000);
      await db.ds.query(
        `UPDATE call_attempts SET trunk_id = $2, dial_started_at = $3, ringing_at = $4, answered_at = $5,
           ended_at = $6, q850_cause = $7 WHERE id = $1`,
        [
          c.attemptId,
          trunk!.id,
          start,
          p.ringMs === null ? null : new Date(start.getTime() + p.ringMs),
          answered,
          new Date((answered ?? start).getTime() + (p.talkS ?? 3) * 1000),
          p.q850,
        ],
      );
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    const health = page.locator(`tr[data-health="${TRUNK}"]`);
    await health.getByText('4 sent, 2 answered').waitFor();
    expect(await page.getByLabel('Period').inputValue()).toBe('24h');
    expect(await health.locator('td.asr').innerText()).toBe('50%');
    expect(await health.locator('td.acd').innerText()).toBe('1 min 0 s');
    expect(await health.locator('td.pdd').innerText()).toBe('1.0 s (95%: 1.1 s)');
    await health.getByText('200 answered 50%').waitFor();
    await health.getByText('486 Busy Here 25%').waitFor();
    await health.getByText('503 Service Unavailable 25%').waitFor();
    await page
      .getByRole('heading', { name: 'Keeping your caller IDs from being labelled as spam' })
      .waitFor();
    await page.getByText('Free Caller Registry', { exact: false }).first().waitFor();
    await shot(page, 'telecom-trunks-health.png');

    // Limits change at once; disabling takes the trunk out of Asterisk.
    await row.getByRole('button', { name: `Edit ${TRUNK}` }).click();
    await page.getByLabel('Maximum concurrent calls').fill('2');
    await page.getByRole('button', { name: 'Save trunk' }).click();
    await row.getByText('2 calls, 2 calls/s').waitFor();
    expect(
      (await one<{ password: string }>(db.ds, `SELECT password FROM trunks WHERE name = $1`, [TRUNK]))
        ?.password,
    ).toBe('browser-secret-77'); // an empty password field keeps the stored one
    await row.getByRole('button', { name: `Disable ${TRUNK}` }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    await eventually('the trunk to leave Asterisk', async () => (await ariStatus('endpoint', TRUNK)) === 404);
    expect(browser!.pageErrors).toEqual([]);
  });
});
