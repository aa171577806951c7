/**
 * Issue 5 in a real browser (Debian's Chromium via playwright-core) against the real API on a
 * real PostgreSQL: accounts (invitation → password → login cookie), "my projects", a standard
 * dialing session through three phones with three outcomes and a survey answer, and a
 * volunteer kept out of projects that are not theirs. Needs `npm run build:web` first.
 */
import { join } from 'node:path';
import { loadConfig } from '@phonebank/config';
import { rows } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  newCampaign,
  newProject,
  newUser,
  newVoters,
  target,
} from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import type { InvitationResponse } from '../../libs/contracts/src/call-screen.contract';
import {
  SCREENSHOTS,
  api,
  assertPrerequisites,
  daytimeZone,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
} from './support/browser-app.harness';

const PASSWORD = 'correct horse battery staple';
const SURVEY = [
  {
    id: 'support',
    text: 'Can we count on your vote?',
    answers: [
      { label: 'Yes', tag: 'supporter' },
      { label: 'No', tag: 'opponent' },
    ],
  },
];

describe('standard dialing in the browser (accounts, my projects, call screen)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser;
  let baseUrl: string;
  const ids = { mine: '', notGranted: '', otherCampaign: '', volunteerId: '' };
  const email = 'vol.unteer@example.org';

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_std');
    const config = loadConfig({
      ASTERISK_ARI_URL: 'http://127.0.0.1:9',
      ASTERISK_ARI_PASSWORD: 'not-used-in-this-test',
    });
    running = await startOrchestrator({ config, databaseUrl: db.url, modules: [QueueApiModule, AuthModule] });
    baseUrl = running.baseUrl;

    const campaign = await newCampaign(db.ds, { name: 'Sam for Senate' });
    const other = await newCampaign(db.ds, { name: 'Someone Else' });
    const organizer = await newUser(db.ds, campaign.id, 'organizer');

    // Staff invite the volunteer; the link is logged (no mail server), never a password.
    const invited = await api<InvitationResponse>(baseUrl, organizer.token, 'POST', '/auth/invitations', {
      email,
      name: 'Val Unteer',
    });
    expect(invited.status).toBe(201);
    ids.volunteerId = invited.body.userId;
    expect(running.logs.text()).toContain(invited.body.inviteUrl);
    // The volunteer opens the link in the browser and chooses a password.
    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(invited.body.inviteUrl);
    await page.getByRole('heading', { level: 1, name: 'Choose your password' }).waitFor();
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.screenshot({ path: join(SCREENSHOTS, 'accept-invite.png'), fullPage: true });
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is set.').waitFor();
    expect(running.logs.text()).not.toContain(PASSWORD);
    // The link works once.
    const again = await fetch(`${baseUrl}/api/auth/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: new URL(invited.body.inviteUrl).searchParams.get('token'),
        password: 'another long password',
      }),
    });
    expect(again.status).toBe(410);

    const mine = await newProject(db.ds, campaign.id, {
      name: 'Weekend persuasion',
      script: 'Hi {firstName}, I am {volunteerName}, a volunteer with Sam for Senate.',
      surveyQuestions: SURVEY,
    });
    const notGranted = await newProject(db.ds, campaign.id, { name: 'Staff only list' });
    const otherProject = await newProject(db.ds, other.id, { name: 'Their project' });
    Object.assign(ids, { mine: mine.id, notGranted: notGranted.id, otherCampaign: otherProject.id });
    const granted = await api(baseUrl, organizer.token, 'POST', `/projects/${mine.id}/access`, {
      userIds: [ids.volunteerId],
    });
    expect(granted.status).toBe(204);

    const timeZone = daytimeZone();
    await newVoters(db.ds, campaign.id, [
      {
        externalId: 'A1',
        firstName: 'Alma',
        lastName: 'Avery',
        timeZone,
        tags: ['wk'],
        phones: [{ number: '+12025550311', score: 90 }],
      },
      {
        externalId: 'B1',
        firstName: 'Boris',
        lastName: 'Baker',
        timeZone,
        tags: ['wk'],
        phones: [{ number: '+12025550312', score: 80 }],
      },
      {
        externalId: 'C1',
        firstName: 'Cleo',
        lastName: 'Cruz',
        timeZone,
        tags: ['wk'],
        phones: [{ number: '+12025550313', score: 70 }],
      },
    ]);
    await target(db.ds, campaign.id, mine.id, { tagsAny: ['wk'] });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await db?.drop();
  });

  it('logs the volunteer in with an HttpOnly, SameSite=Strict session cookie and lists only their projects', async () => {
    const { page, context } = browser;
    await logIn(page, baseUrl, email, PASSWORD, 'login-filled.png');
    const cookie = (await context.cookies()).find((c) => c.name === 'pb_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);

    const cards = page.locator('.project-card h2');
    await cards.first().waitFor();
    await expect(cards.allTextContents()).resolves.toEqual(['Weekend persuasion']);
    await page.screenshot({ path: join(SCREENSHOTS, 'projects.png'), fullPage: true });
  });

  it('runs a standard session: three phones, three outcomes, one survey answer, all in the database', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Start calling for Weekend persuasion' }).click();
    await page.getByRole('heading', { level: 1, name: 'Start calling' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'call-start.png'), fullPage: true });
    await page.getByRole('button', { name: 'Start session' }).click();

    // Phone 1: the voter is greeted by name; answer the survey; Successful.
    const number = page.locator('.call-status .number a');
    await expect(number.getAttribute('href', { timeout: 10_000 })).resolves.toBe('tel:+12025550311');
    await page.getByText('Hi Alma, I am Val Unteer, a volunteer with Sam for Senate.').waitFor();
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.screenshot({ path: join(SCREENSHOTS, 'call-standard-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Successful' }).click();

    // Phone 2: Busy, by its keyboard shortcut.
    await page.locator('.call-status .number a[href="tel:+12025550312"]').waitFor();
    await page.keyboard.press('b');

    // Phone 3: Refused.
    await page.locator('.call-status .number a[href="tel:+12025550313"]').waitFor();
    await page.getByRole('button', { name: 'Refused' }).click();

    await page.getByRole('heading', { name: 'No numbers to call right now' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'call-standard-queue-empty.png'), fullPage: true });

    const attempts = await rows<{ e164: string; outcome: string | null; user_id: string }>(
      db.ds,
      'SELECT e164, outcome, user_id FROM call_attempts WHERE project_id = $1 ORDER BY e164',
      [ids.mine],
    );
    expect(attempts).toEqual([
      { e164: '+12025550311', outcome: 'successful', user_id: ids.volunteerId },
      { e164: '+12025550312', outcome: 'busy', user_id: ids.volunteerId },
      { e164: '+12025550313', outcome: 'refused', user_id: ids.volunteerId },
    ]);
    const answers = await rows<{
      external_id: string;
      question_id: string;
      answer_tag: string;
      tags: string[];
    }>(
      db.ds,
      `SELECT v.external_id, s.question_id, s.answer_tag, v.tags
       FROM survey_answers s JOIN voters v ON v.id = s.voter_id`,
    );
    expect(answers).toEqual([
      { external_id: 'A1', question_id: 'support', answer_tag: 'supporter', tags: ['supporter', 'wk'] },
    ]);
    const phones = await rows<{ e164: string; status: string; attempts: number }>(
      db.ds,
      `SELECT e164, status, attempts FROM phones WHERE e164 LIKE '+120255503%' ORDER BY e164`,
    );
    expect(phones.map((p) => p.status)).toEqual(['complete', 'active', 'refused']);
    expect(browser.pageErrors).toEqual([]);
  });

  it('keeps the volunteer out of projects that are not theirs (API 404, screen "not found")', async () => {
    const { page } = browser;
    for (const id of [ids.notGranted, ids.otherCampaign]) {
      for (const [method, path] of [
        ['GET', `/api/me/projects/${id}`],
        ['POST', `/api/projects/${id}/claims`],
        ['GET', `/api/projects/${id}/queue`],
      ] as const) {
        const res = await page.request.fetch(`${baseUrl}${path}`, {
          method,
          data: method === 'POST' ? {} : undefined,
        });
        expect({ path, status: res.status() }).toEqual({ path, status: 404 });
      }
    }
    // Staff-only routes answer 403 to a volunteer.
    const create = await page.request.post(`${baseUrl}/api/projects`, { data: { name: 'Mine now' } });
    expect(create.status()).toBe(403);

    await page.goto(`${baseUrl}/projects/${ids.otherCampaign}/call`);
    await page.getByRole('heading', { level: 1, name: 'Project not found' }).waitFor();
    await expect(page.getByRole('button', { name: 'Start session' }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'call-not-found.png'), fullPage: true });
  });

  it('logs out: the cookie no longer opens the API', async () => {
    const { page } = browser;
    const out = await page.request.post(`${baseUrl}/api/auth/logout`);
    expect(out.status()).toBe(204);
    expect((await page.request.get(`${baseUrl}/api/auth/me`)).status()).toBe(401);
    expect((await page.request.get(`${baseUrl}/api/me/projects`)).status()).toBe(401);
  });

  it('rate-limits failed logins per email and address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: `wrong password ${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password waits until the window has passed.
    const right = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(right.status).toBe(429);
  });
});
