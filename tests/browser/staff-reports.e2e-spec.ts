/**
 * Issue 6 in a real browser (Debian's Chromium via playwright-core) against the real API on a
 * real PostgreSQL: an organizer opens Reports, chooses the project and the days, reads the
 * figures, the outcome-mix and hour-of-day charts (inline SVG with the numbers in tables), the
 * cost and the volunteers, and downloads the results CSV. The calls behind it are made with the
 * real queue commands and a metered power-dialing leg. Needs `npm run build:web` first.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import {
  chargeSessionUsage,
  insertDialSession,
  saveSurveyAnswers,
  setVolunteerLeg,
} from '@phonebank/persistence';
import { chargeDueSoFar } from '@phonebank/domain';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  callAndRecord,
  claim,
  newCampaign,
  newProject,
  newUser,
  newVoters,
  target,
} from '../../libs/persistence/src/testing/factories';
import { applyOutcome } from '../../libs/persistence/src/queue/apply-outcome.command';
import { eventually } from '../support/eventually';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { ReportsModule } from '../../apps/orchestrator/src/reports/reports.module';
import {
  SCREENSHOTS,
  assertPrerequisites,
  daytimeZone,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
  configWithoutPbx,
  createLoginUser,
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

describe('staff reports in the browser (issue 6)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser | undefined;
  let baseUrl: string;
  const email = 'rita.reports@example.org';
  const zone = daytimeZone();
  const now = DateTime.now().setZone(zone);
  const from = now.minus({ days: 1 }).toISODate()!;
  const to = now.toISODate()!;

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_reports');
    const config = configWithoutPbx();
    running = await startOrchestrator({
      config,
      databaseUrl: db.url,
      modules: [QueueApiModule, AuthModule, ReportsModule],
    });
    baseUrl = running.baseUrl;

    const ds = db.ds;
    const campaign = await newCampaign(ds, { name: 'Sam for Senate' });
    await createLoginUser(
      ds,
      {
        campaignId: campaign.id,
        role: 'organizer',
        name: 'Rita',
        email,
      },
      PASSWORD,
    );
    const volunteer = await newUser(ds, campaign.id, 'volunteer');
    const project = await newProject(ds, campaign.id, {
      name: 'Weekend persuasion',
      timeZone: zone,
      surveyQuestions: SURVEY,
    });
    await newVoters(ds, campaign.id, [
      {
        externalId: 'R1',
        firstName: 'Alma',
        lastName: 'Avery',
        timeZone: zone,
        phones: [{ number: '+12025550241', score: 90 }],
      },
      {
        externalId: 'R2',
        firstName: 'Boris',
        lastName: 'Baker',
        timeZone: zone,
        phones: [{ number: '+12025550242', score: 80 }],
      },
      {
        externalId: 'R3',
        firstName: 'Cleo',
        lastName: 'Cruz',
        timeZone: zone,
        phones: [{ number: '+12025550243', score: 70 }],
      },
      {
        externalId: 'R4',
        firstName: 'Dara',
        lastName: 'Diaz',
        timeZone: zone,
        phones: [{ number: '+12025550244', score: 60 }],
      },
    ]);
    const base = now.minus({ minutes: 40 });
    await target(ds, campaign.id, project.id, {}, base.minus({ hours: 1 }).toJSDate());
    const t = (minutes: number) => base.plus({ minutes }).toJSDate();

    // A power-dialing leg of five minutes, metered as the power dialer does it, with one call.
    const session = randomUUID();
    await insertDialSession(ds, {
      id: session,
      campaignId: campaign.id,
      projectId: project.id,
      userId: volunteer.id,
      mode: 'voip',
      stage: 'idle',
      state: {},
      now: t(0),
    });
    await setVolunteerLeg(ds, session, 'leg-browser', t(0));
    const powered = await claim(ds, project.id, volunteer.id, t(1));
    await applyOutcome(ds, {
      attemptId: powered.attemptId,
      outcome: 'successful',
      now: t(3),
      userId: volunteer.id,
    });
    await saveSurveyAnswers(ds, {
      attemptId: powered.attemptId,
      userId: volunteer.id,
      now: t(3),
      answers: [{ voterId: powered.voters[0]!.id, questionId: 'support', tag: 'supporter' }],
    });
    await chargeSessionUsage(
      ds,
      session,
      campaign.id,
      chargeDueSoFar(t(0), t(5), 2_900, 0),
      'power-dialing',
      t(5),
    );
    await setVolunteerLeg(ds, session, null, null, t(5));
    // Three calls dialed by hand.
    await callAndRecord(ds, project.id, volunteer.id, t(10), 'busy');
    await callAndRecord(ds, project.id, volunteer.id, t(12), 'voicemail');
    await callAndRecord(ds, project.id, volunteer.id, t(14), 'refused');

    browser = await launchBrowser({ width: 1280, height: 900 });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await db?.drop();
  });

  it('shows the figures and the charts of the chosen project and days', async () => {
    const { page, pageErrors } = browser!;
    await logIn(page, baseUrl, email, PASSWORD);
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();

    // The project list loads after the page: wait for the first project to be chosen.
    await eventually('a project chosen', async () =>
      (await page.getByLabel('Project', { exact: true }).inputValue()) !== '' ? true : undefined,
    );
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.getByLabel('To (included)', { exact: true }).fill(to);
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByText(`${from} to ${to} (2 days)`).waitFor();

    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    await expect(figure('attempts')).resolves.toBe('4');
    await expect(figure('numbers-dialed')).resolves.toBe('4');
    await expect(figure('contacts')).resolves.toBe('2');
    await expect(figure('contact-rate')).resolves.toBe('50.0 %');
    await expect(figure('project-cost')).resolves.toBe('$0.15'); // 5 min at 2.9 c/min = 14.5 c
    await expect(figure('campaign-cost')).resolves.toBe('$0.15');

    // The outcome mix: a chart (an image with a title and a description) and its table.
    const mix = page.getByRole('img', { name: 'Outcome mix' });
    await expect(mix.locator('rect.bar').count()).resolves.toBe(8);
    await expect(mix.getAttribute('aria-describedby')).resolves.toBeTruthy();
    await expect(page.locator('svg desc').first().textContent()).resolves.toContain(
      '4 attempts: Successful 1',
    );
    const outcomes = await page
      .getByRole('table', { name: 'Outcome mix' })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim() ?? '').join(' ')),
      );
    expect(outcomes).toEqual([
      'Successful 1 25.0 %',
      'Voicemail 1 25.0 %',
      'Refused 1 25.0 %',
      'Busy 1 25.0 %',
      'No answer 0 0.0 %',
      'Failed / bad number 0 0.0 %',
      'Wrong number 0 0.0 %',
      'Do not call 0 0.0 %',
    ]);
    const hours = page.getByRole('img', { name: 'Calls by hour of the day' });
    await expect(hours.locator('rect.bar').count()).resolves.toBe(24);

    // Survey and volunteers.
    const survey = page.getByRole('table', { name: 'Survey: Can we count on your vote?' });
    await expect(survey.locator('tbody tr').first().textContent()).resolves.toMatch(/Yes\s*1\s*100\.0 %/);
    const volunteers = page.getByRole('table', { name: 'Volunteers' });
    await expect(volunteers.locator('tbody tr').count()).resolves.toBe(1);
    await expect(volunteers.locator('tbody tr').textContent()).resolves.toContain(
      'Successful 1 · Voicemail 1 · Refused 1 · Busy 1',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'staff-reports.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('downloads the results as CSV', async () => {
    const { page } = browser!;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download results (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`Weekend-persuasion-results-${from}-to-${to}.csv`);
    const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^attempt_id,claimed_at,/);
    expect(lines).toHaveLength(5);
    expect(
      lines
        .map((l) => l.split(',')[10])
        .slice(1)
        .sort(),
    ).toEqual(['busy', 'refused', 'successful', 'voicemail']);
    expect(lines.find((l) => l.includes(',successful,'))).toContain(
      ",'+12025550241,R1,Alma Avery,successful,",
    );
  });
});
