/**
 * Issue 6 in a real browser (Debian's Chromium via playwright-core) against the real API on a
 * real PostgreSQL: an admin manages the do-not-call list (add, search, remove with a reason,
 * import a file with a bad line then a good one, export), tops up credits (the balance and the
 * ledger show it), and watches the live dashboard change — without reloading or polling — while
 * a volunteer claims a phone and records its outcome through the API. Needs `npm run build:web`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chargeSessionUsage, insertDialSession, one } from '@phonebank/persistence';
import { createTestDatabase, type TestDatabase } from '../../libs/persistence/src/testing/test-database';
import {
  newCampaign,
  newProject,
  newUser,
  newVoter,
  target,
} from '../../libs/persistence/src/testing/factories';
import { AuthModule } from '../../apps/orchestrator/src/auth/auth.module';
import { QueueApiModule } from '../../apps/orchestrator/src/queue-api/queue-api.module';
import { DncModule } from '../../apps/orchestrator/src/dnc/dnc.module';
import { CreditsModule } from '../../apps/orchestrator/src/credits/credits.module';
import { DashboardModule } from '../../apps/orchestrator/src/dashboard/dashboard.module';
import { eventually } from '../support/eventually';
import {
  SCREENSHOTS,
  api,
  assertPrerequisites,
  launchBrowser,
  logIn,
  startOrchestrator,
  type Browser,
  type RunningApp,
  configWithoutPbx,
  createLoginUser,
  daytimeZone,
} from './support/browser-app.harness';

const PASSWORD = 'correct horse battery staple';

describe('DNC, credits and the live dashboard in the browser (issue 6)', () => {
  let db: TestDatabase;
  let running: RunningApp;
  let browser: Browser | undefined;
  let baseUrl: string;
  let files: string;
  const ids = { campaign: '', project: '', volunteerToken: '', volunteerId: '' };
  const adminEmail = 'ada.admin@example.org';

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  const rowTexts = async (page: Page, table: string): Promise<string[]> =>
    page.getByRole('table', { name: table }).locator('tbody tr').allInnerTexts();
  /** Wait until what the page shows equals `expected` (the page updates itself). */
  const until = async <T>(what: string, read: () => Promise<T>, expected: T): Promise<void> => {
    let last: T | undefined;
    await eventually(
      `${what} to be ${JSON.stringify(expected)} (last: ${JSON.stringify(last)})`,
      async () => {
        last = await read();
        return JSON.stringify(last) === JSON.stringify(expected);
      },
    );
  };
  const queueEntry = async (e164: string) =>
    one<{ state: string; exit_reason: string | null }>(
      db.ds,
      `SELECT q.state, q.exit_reason FROM queue_entries q JOIN phones p ON p.id = q.phone_id WHERE p.e164 = $1`,
      [e164],
    );

  beforeAll(async () => {
    assertPrerequisites();
    db = await createTestDatabase('pb_browser_dnc');
    const config = configWithoutPbx();
    running = await startOrchestrator({
      config,
      databaseUrl: db.url,
      modules: [QueueApiModule, AuthModule, DncModule, CreditsModule, DashboardModule],
    });
    baseUrl = running.baseUrl;
    const campaign = await newCampaign(db.ds, { name: 'Sam for Senate' });
    ids.campaign = campaign.id;
    await createLoginUser(
      db.ds,
      {
        campaignId: campaign.id,
        role: 'admin',
        name: 'Ada Admin',
        email: adminEmail,
      },
      PASSWORD,
    );
    const volunteer = await newUser(db.ds, campaign.id, 'volunteer');
    ids.volunteerToken = volunteer.token;
    ids.volunteerId = volunteer.id;
    const project = await newProject(db.ds, campaign.id, { name: 'Weekend calls' });
    ids.project = project.id;
    // Voters where it is mid-day now, so that their calling hours are open whenever this runs.
    const zone = daytimeZone();
    await newVoter(db.ds, campaign.id, {
      firstName: 'Dee',
      timeZone: zone,
      phones: [{ number: '2125558002' }],
    });
    await newVoter(db.ds, campaign.id, {
      firstName: 'Eve',
      timeZone: zone,
      phones: [{ number: '2125558101' }],
    });
    await newVoter(db.ds, campaign.id, {
      firstName: 'Fay',
      timeZone: zone,
      phones: [{ number: '2125558102' }],
    });
    await target(db.ds, campaign.id, project.id, {});
    await api(
      baseUrl,
      (await newUser(db.ds, campaign.id, 'organizer')).token,
      'POST',
      `/projects/${project.id}/access`,
      {
        userIds: [volunteer.id],
      },
    );

    files = mkdtempSync(join(tmpdir(), 'phonebank-dnc-'));
    writeFileSync(join(files, 'dnc-bad.csv'), 'phone,reason\n212-555-8201,state list\nnot a phone,\n');
    writeFileSync(join(files, 'dnc.csv'), 'phone,reason\n212-555-8201,state list\n(212) 555-8202,\n');
    browser = await launchBrowser({ width: 1280, height: 900 });
    await logIn(browser.page, baseUrl, adminEmail, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.app.close();
    await db?.drop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('adds, searches and removes numbers with reasons; the audit log shows every change', async () => {
    const { page } = browser!;
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Do not call' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Do not call' }).waitFor();
    await page.getByText('The list is empty.').waitFor();

    for (const [number, reason] of [
      ['(212) 555-8001', 'Asked by letter'],
      ['212.555.8002', 'Complained on the phone'],
    ]) {
      await page.getByLabel('Phone number').fill(number!);
      await page.getByLabel('Reason', { exact: true }).fill(reason!);
      await page.getByRole('button', { name: 'Add to list' }).click();
      await page.getByRole('status').getByText('is now on the list').waitFor();
    }
    await page.getByRole('heading', { name: 'The list (2)' }).waitFor();
    // Dee's number left the project's queue the moment it was listed.
    expect(await queueEntry('+12125558002')).toEqual({ state: 'done', exit_reason: 'dnc' });
    expect((await rowTexts(page, 'Numbers on the do-not-call list')).join('\n')).toContain('do not call');

    await page.getByLabel('Search by number').fill('8002');
    await page.getByRole('button', { name: 'Search' }).click();
    await until('rows', async () => (await rowTexts(page, 'Numbers on the do-not-call list')).length, 1);
    expect((await rowTexts(page, 'Numbers on the do-not-call list'))[0]).toContain('(212) 555-8002');
    await page.getByLabel('Search by number').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await until('rows', async () => (await rowTexts(page, 'Numbers on the do-not-call list')).length, 2);

    await page.getByRole('button', { name: 'Remove (212) 555-8002' }).click();
    await page.getByLabel('Reason for removing (212) 555-8002').fill('Listed by mistake');
    await shot(page, 'staff-dnc-remove.png');
    await page.getByRole('button', { name: 'Confirm removal' }).click();
    await page
      .getByRole('status')
      .getByText('(212) 555-8002 is off the list; back in 1 project queues')
      .waitFor();
    await page.getByRole('heading', { name: 'The list (1)' }).waitFor();
    expect(await queueEntry('+12125558002')).toEqual({ state: 'queued', exit_reason: null });

    const audit = await rowTexts(page, 'Audit log of the do-not-call list');
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatch(/removed\s+\(212\) 555-8002\s+Listed by mistake\s+Ada Admin/);
    expect(audit[2]).toMatch(/added \(added by staff\)\s+\(212\) 555-8001\s+Asked by letter\s+Ada Admin/);
  });

  it('imports a file with a bad line (nothing imported), then the fixed file; exports the list', async () => {
    const { page } = browser!;
    await page.setInputFiles('#dnc-file', join(files, 'dnc-bad.csv'));
    await page.getByLabel('Reason for lines without one').fill('State DNC list 2026');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('alert').filter({ hasText: 'Nothing was imported' });
    await report.waitFor();
    await report.getByText(/Line 3 \(phone\): "not a phone"/).waitFor();
    await shot(page, 'staff-dnc-import-error.png');
    await page.getByRole('heading', { name: 'The list (1)' }).waitFor();

    await page.setInputFiles('#dnc-file', join(files, 'dnc.csv'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported 2 lines: 2 numbers added, 0 already listed').waitFor();
    await page.getByRole('heading', { name: 'The list (3)' }).waitFor();
    expect((await rowTexts(page, 'Audit log of the do-not-call list')).join('\n')).toContain(
      'State DNC list 2026',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^do-not-call-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('phone,source,reason,added_at,added_by');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      '+12125558001,manual,Asked by letter',
      '+12125558201,import,state list',
      '+12125558202,import,State DNC list 2026',
    ]);
    await shot(page, 'staff-dnc.png');
  });

  it('tops up credits: the balance and the ledger show it, beside power-dialing usage', async () => {
    const { page } = browser!;
    // Some power-dialing usage, as the dialer's metering writes it.
    const sessionId = randomUUID();
    await insertDialSession(db.ds, {
      id: sessionId,
      campaignId: ids.campaign,
      projectId: ids.project,
      userId: ids.volunteerId,
      mode: 'phone',
      stage: 'idle',
      state: {},
      now: new Date(),
    });
    await db.ds.query('UPDATE dial_sessions SET ended_at = now() WHERE id = $1', [sessionId]);
    await chargeSessionUsage(db.ds, sessionId, ids.campaign, 5800, 'power-dialing');

    await page
      .getByRole('navigation', { name: 'Staff pages' })
      .getByRole('link', { name: 'Credits' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Credits' }).waitFor();
    await until('the balance', () => page.locator('[data-figure="balance"]').textContent(), '-$0.058');
    await expect(page.locator('[data-figure="rate"]').textContent()).resolves.toBe('$0.029');

    await page.getByLabel('Amount (US$)').fill('50');
    await page.getByLabel('Note (invoice, transfer…)').fill('Invoice 1042');
    await page.getByRole('button', { name: 'Add credit' }).click();
    await page.getByRole('status').getByText('Added $50.00. The balance is now $49.942.').waitFor();
    await until('the new balance', () => page.locator('[data-figure="balance"]').textContent(), '$49.942');
    const ledger = await rowTexts(page, 'Credit ledger');
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatch(/Top-up\s+\$50\.00\s+Invoice 1042 — by Ada Admin/);
    expect(ledger[1]).toMatch(/Usage\s+-\$0\.058\s+power-dialing — volunteer \d+ in Weekend calls/);
    await shot(page, 'staff-credits.png');
  });

  it('the live dashboard follows a volunteer’s call and outcome as they happen, without polling', async () => {
    const { page } = browser!;
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Live' }).click();
    await page.getByRole('heading', { level: 1, name: 'Live' }).waitFor();
    await page.locator('[data-live-state]').getByText('Live', { exact: true }).waitFor();
    await until('calls', () => page.locator('[data-figure="calls"]').textContent(), '0');
    const queues = await rowTexts(page, 'Queue remaining per project');
    expect(queues).toEqual([expect.stringMatching(/^Weekend calls\s+3\s+3\s+0\s+0\s+0$/)]);

    // From here on the page may not ask the server anything: every change is pushed.
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) requests.push(r.url());
    });

    const claimed = await api<{ kind: string; claim: { attemptId: string; phone: { e164: string } } }>(
      baseUrl,
      ids.volunteerToken,
      'POST',
      `/projects/${ids.project}/claims`,
      {},
    );
    expect(claimed.body.kind).toBe('claimed');
    await until('calls', () => page.locator('[data-figure="calls"]').textContent(), '1');
    const calls = await rowTexts(page, 'Calls in progress');
    expect(calls[0]).toMatch(/\(212\) 555-81\d\d\s+volunteer \d+\s+Weekend calls\s+number on screen/);
    expect((await rowTexts(page, 'Volunteers online'))[0]).toMatch(
      /dials by hand\s+Weekend calls\s+on a call/,
    );
    await shot(page, 'staff-dashboard-call.png');

    const recorded = await api(
      baseUrl,
      ids.volunteerToken,
      'POST',
      `/attempts/${claimed.body.claim.attemptId}/outcome`,
      {
        outcome: 'successful',
      },
    );
    expect(recorded.status).toBe(200);
    await until('successful today', () => page.locator('[data-outcome="successful"]').textContent(), '1');
    await expect(page.locator('[data-figure="calls"]').textContent()).resolves.toBe('0');
    expect((await rowTexts(page, 'Volunteers online'))[0]).toMatch(/between calls/);
    expect(await rowTexts(page, 'Queue remaining per project')).toEqual([
      expect.stringMatching(/^Weekend calls\s+2\s+2\s+0\s+0\s+1$/),
    ]);
    await shot(page, 'staff-dashboard.png');
    expect(requests).toEqual([]);
    expect(browser!.pageErrors).toEqual([]);
  });
});
