/**
 * Issue 6 in a real browser (Debian's Chromium via playwright-core) against the real API on a
 * real PostgreSQL: a staff member imports a voter file with two bad rows (the error report,
 * nothing imported), fixes and imports it, targets voters into a new project, edits the
 * project's settings, script and survey, invites a volunteer and grants them the project; the
 * volunteer then logs in and sees it. Needs `npm run build:web` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { one, rows } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import { newCampaign } from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { StaffApiModule } from '../../apps/orchestrator/src/staff-api/staff-api.module';
import {
  SCREENSHOTS,
  assertPrerequisites,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
  configWithoutPbx,
  createLoginUser,
} from './support/browser-app.harness';

const PASSWORD = 'correct horse battery staple';
const VOLUNTEER_PASSWORD = 'a volunteer password that is long';
const HEADER = 'voter_id,first_name,last_name,city,state,zip,birthday,tags,phone1,phone1_score,phone1_type';
const GOOD_ROWS = [
  'S-1,Alma,Avery,Albany,NY,12207,1961-03-11,persuade,(518) 555-2101,90,landline',
  'S-2,Boris,Baker,Albany,NY,12208,1975-07-02,persuade;senior,518-555-2102,80,cell',
  'S-3,Cleo,Cruz,Troy,NY,12180,1990-12-24,persuade,518.555.2103,70,landline',
  'S-4,Dara,Diaz,Troy,NY,12180,1988-01-30,base,518-555-2104,60,cell',
  'S-5,Eli,Evans,Albany,NY,12207,1955-05-05,persuade,518-555-2105,50,landline',
];
// Line 3 (S-2) lost its last name; line 5 (S-4) has a phone that is not a number.
const BAD_ROWS = [
  GOOD_ROWS[0]!,
  GOOD_ROWS[1]!.replace('Boris,Baker', 'Boris,'),
  GOOD_ROWS[2]!,
  GOOD_ROWS[3]!.replace('518-555-2104', 'call me maybe'),
  GOOD_ROWS[4]!,
];

describe('staff pages for projects and voters in the browser (issue 6)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser | undefined;
  let baseUrl: string;
  let campaignId: string;
  let files: string;
  const organizerEmail = 'olive.organizer@example.org';
  const volunteerEmail = 'val.unteer@example.org';
  let projectId = '';

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_staff');
    const config = configWithoutPbx();
    running = await startOrchestrator({
      config,
      databaseUrl: db.url,
      modules: [QueueApiModule, AuthModule, StaffApiModule],
    });
    baseUrl = running.baseUrl;
    const campaign = await newCampaign(db.ds, { name: 'Sam for Senate' });
    campaignId = campaign.id;
    await createLoginUser(
      db.ds,
      {
        campaignId,
        role: 'organizer',
        name: 'Olive Organizer',
        email: organizerEmail,
      },
      PASSWORD,
    );
    files = mkdtempSync(join(tmpdir(), 'phonebank-staff-'));
    writeFileSync(join(files, 'voters.csv'), [HEADER, ...BAD_ROWS].join('\n') + '\n');
    writeFileSync(join(files, 'voters-fixed.csv'), [HEADER, ...GOOD_ROWS].join('\n') + '\n');
    browser = await launchBrowser({ width: 1280, height: 900 });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await db?.drop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('imports a file with two bad rows: the error report by line and column, nothing imported', async () => {
    const { page } = browser!;
    await logIn(page, baseUrl, organizerEmail, PASSWORD);
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Import voters' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Import voters' }).waitFor();
    await page.setInputFiles('#voter-file', join(files, 'voters.csv'));
    await page.getByRole('button', { name: 'Import voters' }).click();

    await page.getByRole('heading', { name: 'Nothing was imported' }).waitFor();
    const report = page.getByRole('table', { name: 'Problems by line' });
    const cells = await report
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    expect(cells).toEqual([
      ['3', 'last_name', 'last_name is empty'],
      ['5', 'phone1', expect.stringContaining('phone "call me maybe" rejected')],
    ]);
    await page.getByText('2 problems in voters.csv').waitFor();
    await shot(page, 'staff-import-errors.png');
    expect(await rows(db.ds, 'SELECT 1 FROM voters WHERE campaign_id = $1', [campaignId])).toEqual([]);
  });

  it('imports the fixed file and shows the counts', async () => {
    const { page } = browser!;
    await page.setInputFiles('#voter-file', join(files, 'voters-fixed.csv'));
    await page.getByRole('button', { name: 'Import voters' }).click();
    await page.getByRole('heading', { name: 'Imported voters-fixed.csv' }).waitFor();
    await expect(page.locator('[data-figure="votersInserted"]').textContent()).resolves.toBe('5');
    await expect(page.locator('[data-figure="phonesInserted"]').textContent()).resolves.toBe('5');
    // The recent imports list both uploads.
    const recent = page.getByRole('region', { name: 'Recent imports' });
    await recent.getByText('voters-fixed.csv').waitFor();
    await recent.getByText('(2 problems)').waitFor();
    await shot(page, 'staff-import-done.png');
    const n = await one<{ n: string }>(db.ds, 'SELECT count(*) n FROM voters WHERE campaign_id = $1', [
      campaignId,
    ]);
    expect(Number(n!.n)).toBe(5);
  });

  it('targets voters with a live count and saves them into a new project', async () => {
    const { page } = browser!;
    await page.getByRole('link', { name: 'Choose voters to call' }).click();
    await page.getByRole('heading', { level: 1, name: 'Targeting' }).waitFor();
    const count = page.getByTestId('voter-count');
    await expect(count.textContent()).resolves.toBe('5');
    await page.getByLabel('Any of these tags').fill('persuade');
    await count.filter({ hasText: /^4$/ }).waitFor();
    await page.getByLabel('Cities').fill('albany');
    await count.filter({ hasText: /^3$/ }).waitFor();
    await page.getByLabel('Cities').fill('');
    await count.filter({ hasText: /^4$/ }).waitFor();

    await page.getByRole('radio', { name: 'A new project' }).check();
    await page.getByLabel('New project name').fill('Persuasion calls');
    await page.getByRole('checkbox', { name: /Skip phones called in another project/ }).check();
    await page.getByLabel('Days').fill('7');
    await shot(page, 'staff-targeting.png');
    await page.getByRole('button', { name: 'Save voters into the project' }).click();
    await page.getByRole('heading', { name: 'Saved into Persuasion calls' }).waitFor();
    await expect(page.locator('[data-figure="targetsAdded"]').textContent()).resolves.toBe('4');
    await expect(page.locator('[data-figure="phonesQueued"]').textContent()).resolves.toBe('4');

    const project = await one<{ id: string }>(db.ds, 'SELECT id FROM projects WHERE name = $1', [
      'Persuasion calls',
    ]);
    projectId = project!.id;
    const targets = await rows<{ external_id: string }>(
      db.ds,
      `SELECT v.external_id FROM project_targets t JOIN voters v ON v.id = t.voter_id WHERE t.project_id = $1
       ORDER BY 1`,
      [projectId],
    );
    expect(targets.map((t) => t.external_id)).toEqual(['S-1', 'S-2', 'S-3', 'S-5']);
  });

  it('edits every setting of the project, and its script and survey', async () => {
    const { page } = browser!;
    await page.getByRole('link', { name: 'Open Persuasion calls' }).click();
    await page.getByRole('heading', { level: 1, name: 'Persuasion calls' }).waitFor();
    await expect(page.locator('[data-figure="targets"]').textContent()).resolves.toBe('4');
    await page.getByText('none set — power dialing stays off until one is verified').waitFor();
    await expect(
      page.getByRole('link', { name: 'Set and verify the caller ID' }).getAttribute('href'),
    ).resolves.toBe(`/staff/projects/${projectId}/caller-id`);
    await expect(
      page.getByRole('link', { name: 'Record, upload or listen' }).getAttribute('href'),
    ).resolves.toBe(`/staff/projects/${projectId}/voicemail`);

    // Settings.
    await page.getByLabel('Name', { exact: true }).fill('Persuasion calls (weekdays)');
    await page.getByLabel('Time zone of the calling hours').fill('America/Chicago');
    await page.getByLabel('Calling starts').fill('10:00');
    await page.getByLabel('Calling ends').fill('20:30');
    await page.getByRole('checkbox', { name: 'Saturday' }).uncheck();
    await page.getByRole('checkbox', { name: 'Sunday' }).uncheck();
    await page.getByLabel('Attempt limit').fill('2');
    await page.getByLabel('Requeue delay (minutes)').fill('45');
    await page.getByRole('checkbox', { name: /Leave the recorded voicemail on cell phones/ }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Persuasion calls (weekdays)' }).waitFor();

    // Script, with the name placeholder inserted by its button, and a survey with a group.
    const script = page.getByLabel('Script', { exact: true });
    await script.fill('Hi , I am {volunteerName} with Sam for Senate.');
    await script.evaluate((el) =>
      (el as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(3, 3),
    );
    await page.getByRole('button', { name: 'Insert Voter’s first name' }).click();
    await page
      .getByTestId('script-preview')
      .getByText('Hi Alex, I am Your volunteer with Sam for Senate.')
      .waitFor();
    await page.getByRole('button', { name: 'Add question' }).click();
    await page.getByLabel('Question 1 text').fill('Can we count on your vote?');
    await page.getByLabel('Question 1 answer 1 label').fill('Yes');
    await page.getByLabel('Question 1 answer 1 tag').fill('supporter');
    await page.getByLabel('Question 1 answer 1 group').fill('Supporters');
    await page.getByLabel('Question 1 answer 2 label').fill('No');
    await page.getByLabel('Question 1 answer 2 tag').fill('opponent');
    await page.getByRole('button', { name: 'Add answer to question 1' }).click();
    await page.getByLabel('Question 1 answer 3 label').fill('Undecided');
    await page.getByRole('button', { name: 'Save script and survey' }).click();
    await page.getByText('Script and survey saved.').waitFor();
    await shot(page, 'staff-project-settings.png');

    const saved = await one<Record<string, unknown>>(
      db.ds,
      `SELECT name, time_zone, hours_start, hours_end, weekdays, attempt_limit, requeue_delay_minutes,
              allow_voicemail_to_cells, birthday_mode, script, survey_questions
       FROM projects WHERE id = $1`,
      [projectId],
    );
    expect(saved).toEqual({
      name: 'Persuasion calls (weekdays)',
      time_zone: 'America/Chicago',
      hours_start: 600,
      hours_end: 1230,
      weekdays: [1, 2, 3, 4, 5],
      attempt_limit: 2,
      requeue_delay_minutes: 45,
      allow_voicemail_to_cells: true,
      birthday_mode: false,
      script: 'Hi {firstName}, I am {volunteerName} with Sam for Senate.',
      survey_questions: [
        {
          id: 'can-we-count-on-your-vote',
          text: 'Can we count on your vote?',
          answers: [
            { label: 'Yes', tag: 'supporter', group: 'Supporters' },
            { label: 'No', tag: 'opponent' },
            { label: 'Undecided', tag: 'undecided' },
          ],
        },
      ],
    });
  });

  it('invites a volunteer, puts them in a team and grants them the project', async () => {
    const { page } = browser!;
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams and volunteers' }).waitFor();
    await page.getByLabel('Email').fill(volunteerEmail);
    await page.getByLabel('Name', { exact: true }).fill('Val Unteer');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const link = (await page.locator('code.invite-link').textContent())!.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/accept-invite\?token=/);
    // The volunteer chooses a password through the link (the accept page has its own browser test).
    const accepted = await fetch(`${baseUrl}/api/auth/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(link).searchParams.get('token'), password: VOLUNTEER_PASSWORD }),
    });
    expect(accepted.status).toBe(200);

    await page.getByLabel('Team name').fill('Weekday callers');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Team Weekday callers' }).waitFor();
    await page.getByLabel('Add to Weekday callers').selectOption({ label: `Val Unteer (${volunteerEmail})` });
    await page.getByRole('button', { name: 'Add member' }).click();
    await page
      .getByRole('list', { name: 'Members of Weekday callers' })
      .locator('li', { hasText: volunteerEmail })
      .waitFor();
    await shot(page, 'staff-teams.png');

    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Projects' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    const row = page.getByRole('row', { name: /Persuasion calls \(weekdays\)/ });
    await row.waitFor();
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      expect.stringContaining('Mon–Fri 10:00–20:30'),
      expect.stringContaining('none'),
      '4',
      '4',
      '0',
      '0',
      '0',
      '0',
    ]);
    await shot(page, 'staff-projects.png');
    await row.getByRole('link', { name: 'Persuasion calls (weekdays)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Persuasion calls (weekdays)' }).waitFor();
    await page
      .getByLabel('Volunteer', { exact: true })
      .selectOption({ label: `Val Unteer (${volunteerEmail})` });
    await page.getByRole('button', { name: 'Grant to volunteer' }).click();
    const granted = page.getByRole('list', { name: 'Granted to' });
    await granted.locator('li', { hasText: volunteerEmail }).waitFor();
    await shot(page, 'staff-project-access.png');
    const access = await rows<{ email: string }>(
      db.ds,
      'SELECT u.email FROM project_access a JOIN users u ON u.id = a.user_id WHERE a.project_id = $1',
      [projectId],
    );
    expect(access).toEqual([{ email: volunteerEmail }]);
  });

  it('the volunteer logs in and sees the project', async () => {
    await browser!.close();
    browser = await launchBrowser();
    const { page } = browser;
    await logIn(page, baseUrl, volunteerEmail, VOLUNTEER_PASSWORD);
    const cards = page.locator('.project-card h2');
    await cards.first().waitFor();
    await expect(cards.allTextContents()).resolves.toEqual(['Persuasion calls (weekdays)']);
    await shot(page, 'staff-volunteer-projects.png');
    // Staff pages stay closed to the volunteer (the guard sends them back to their projects).
    await page.goto(`${baseUrl}/staff/projects`);
    await page.waitForURL(/\/projects$/);
    expect(browser.pageErrors).toEqual([]);
  });
});
