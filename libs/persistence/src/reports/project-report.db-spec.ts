/**
 * "A report's figures match the call records of a scripted session exactly" (issue 6).
 *
 * A scripted day of calling on a controlled clock, through the real commands: claims and
 * outcomes (claimNextPhone / applyOutcome), a power-dialing session whose volunteer leg is
 * recorded and metered into the ledger exactly as the power dialer does it (setVolunteerLeg,
 * chargeDueSoFar + chargeSessionUsage), a standard session, survey answers (saveSurveyAnswers).
 * Every figure of the report is then checked twice: against values computed here independently
 * from the raw call_attempts / ledger / leg rows, and against numbers worked out by hand.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { CALL_OUTCOMES, ManualClock, chargeDueSoFar, type CallOutcome } from '@phonebank/domain';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser, newVoters, target } from '../testing/factories';
import { appendCredit } from '../campaigns/campaigns.repository';
import { claimNextPhone, releaseClaim, type PhoneClaim } from '../queue/claim-phone.query';
import { applyOutcome } from '../queue/apply-outcome.command';
import {
  campaignRateMillicentsPerMinute,
  chargeSessionUsage,
  insertDialSession,
  setVolunteerLeg,
} from '../power-dial/dial-sessions.repository';
import { saveSurveyAnswers } from '../accounts/accounts.repository';
import { rows } from '../sql';
import { projectReport, volunteerReport } from './project-report.query';
import { projectResultsCsv, projectSurveyCsv } from './report-exports.query';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_reports');
  ds = db.ds;
});
afterAll(async () => db?.drop());

const SURVEY = [
  {
    id: 'support',
    text: 'Can we count on your vote?',
    answers: [
      { label: 'Yes', tag: 'supporter' },
      { label: 'No', tag: 'opponent' },
      { label: 'Undecided', tag: 'undecided' },
    ],
  },
  { id: 'help', text: 'Will you volunteer?', answers: [{ label: 'Yes', tag: 'will-volunteer' }] },
];

const ET = 'America/New_York';
const clock = new ManualClock('2026-03-02T14:00:00Z'); // 09:00 in New York (EST, UTC−5)
const at = (iso: string): Date => {
  clock.set(iso);
  return clock.now();
};

interface World {
  campaignId: string;
  projectId: string;
  otherProjectId: string;
  v1: string;
  v2: string;
  voters: Record<string, string>;
}

async function claimOne(projectId: string, userId: string, sessionId: string | null): Promise<PhoneClaim> {
  const r = await claimNextPhone(ds, { projectId, userId, leaseSeconds: 300, now: clock.now(), sessionId });
  if (r.kind !== 'claimed') throw new Error(`expected a phone at ${clock.now().toISOString()}: ${r.kind}`);
  return r.claim;
}

async function outcome(c: PhoneClaim, userId: string | null, o: CallOutcome, wrongVoterIds?: string[]) {
  await applyOutcome(ds, { attemptId: c.attemptId, outcome: o, now: clock.now(), userId, wrongVoterIds });
}

/** The power dialer's metering: the leg's cost so far minus what was already charged. */
async function meter(sessionId: string, campaignId: string, connectedAt: Date, billed: { n: number }) {
  const rate = await campaignRateMillicentsPerMinute(ds, campaignId);
  const due = chargeDueSoFar(connectedAt, clock.now(), rate, billed.n);
  await chargeSessionUsage(ds, sessionId, campaignId, due, 'power-dialing', clock.now());
  billed.n += due;
}

async function powerSession(campaignId: string, projectId: string, userId: string): Promise<string> {
  const id = randomUUID();
  await insertDialSession(ds, {
    id,
    campaignId,
    projectId,
    userId,
    mode: 'phone',
    stage: 'waiting-for-leg',
    state: {},
    now: clock.now(),
  });
  return id;
}

async function script(): Promise<World> {
  const campaign = await newCampaign(ds, { name: 'Reports campaign' });
  await appendCredit(ds, { campaignId: campaign.id, amountCents: 1000, reason: 'top-up' });
  const v1 = await newUser(ds, campaign.id, 'volunteer');
  const v2 = await newUser(ds, campaign.id, 'volunteer');
  const project = await newProject(ds, campaign.id, {
    name: 'Main list',
    timeZone: ET,
    surveyQuestions: SURVEY,
  });
  const otherProject = await newProject(ds, campaign.id, { name: 'Second list', timeZone: 'UTC' });
  await newVoters(ds, campaign.id, [
    {
      externalId: 'A1',
      firstName: 'Ann',
      lastName: 'Avery',
      timeZone: ET,
      phones: [{ number: '2025550201', score: 90 }],
    },
    {
      externalId: 'A2',
      firstName: 'Al',
      lastName: 'Avery',
      timeZone: ET,
      phones: [{ number: '2025550201', score: 90 }],
    },
    {
      externalId: 'B1',
      firstName: 'Bo',
      lastName: 'Baker',
      timeZone: ET,
      phones: [{ number: '2025550202', score: 80 }],
    },
    {
      externalId: 'C1',
      firstName: 'Cy',
      lastName: 'Cole',
      timeZone: ET,
      phones: [{ number: '2025550203', score: 70 }],
    },
    {
      externalId: 'D1',
      firstName: 'Di',
      lastName: 'Dunn',
      timeZone: ET,
      phones: [{ number: '2025550204', score: 60 }],
    },
    {
      externalId: 'E1',
      firstName: 'Ed',
      lastName: 'Eyre',
      timeZone: ET,
      phones: [{ number: '2025550205', score: 50 }],
    },
    {
      externalId: 'F1',
      firstName: '=cmd',
      lastName: 'Fox, "Jr"',
      timeZone: ET,
      phones: [{ number: '2025550206', score: 40 }],
    },
    {
      externalId: 'G1',
      firstName: 'Gil',
      lastName: 'Gray',
      timeZone: ET,
      phones: [{ number: '2025550207', score: 30 }],
    },
    {
      externalId: 'H1',
      firstName: 'Hana',
      lastName: 'Hale',
      timeZone: 'Pacific/Honolulu',
      phones: [{ number: '8085550208', score: 20 }],
    },
  ]);
  await target(ds, campaign.id, project.id, {}, new Date('2026-03-01T12:00:00Z'));
  const voters = Object.fromEntries(
    (await rows<{ id: string; external_id: string }>(ds, 'SELECT id::text, external_id FROM voters')).map(
      (v) => [v.external_id, v.id],
    ),
  );

  // 09:00–09:06:30 EST: V1 power-dials four phones over one leg, metered as it runs.
  at('2026-03-02T14:00:00Z');
  const s1 = await powerSession(campaign.id, project.id, v1.id);
  const leg1 = clock.now();
  await setVolunteerLeg(ds, s1, 'leg-1', leg1);
  const billed = { n: 0 };
  at('2026-03-02T14:00:10Z');
  const a = await claimOne(project.id, v1.id, s1);
  at('2026-03-02T14:02:00Z');
  await meter(s1, campaign.id, leg1, billed);
  at('2026-03-02T14:03:00Z');
  await outcome(a, v1.id, 'successful');
  await saveSurveyAnswers(ds, {
    attemptId: a.attemptId,
    userId: v1.id,
    now: clock.now(),
    answers: [
      { voterId: voters.A1!, questionId: 'support', tag: 'supporter' },
      { voterId: voters.A1!, questionId: 'help', tag: 'will-volunteer' },
      { voterId: voters.A2!, questionId: 'support', tag: 'undecided' },
    ],
  });
  at('2026-03-02T14:03:10Z');
  const b = await claimOne(project.id, v1.id, s1);
  at('2026-03-02T14:03:40Z');
  await outcome(b, null, 'busy');
  at('2026-03-02T14:04:00Z');
  await meter(s1, campaign.id, leg1, billed);
  const c = await claimOne(project.id, v1.id, s1);
  at('2026-03-02T14:05:00Z');
  await outcome(c, v1.id, 'voicemail');
  at('2026-03-02T14:05:10Z');
  const d = await claimOne(project.id, v1.id, s1);
  at('2026-03-02T14:06:10Z');
  await outcome(d, null, 'no_answer');
  at('2026-03-02T14:06:30Z'); // the volunteer hangs up: final meter, leg closed
  await meter(s1, campaign.id, leg1, billed);
  await setVolunteerLeg(ds, s1, null, null, clock.now());

  // 10:30–11:14 EST: V2 dials by hand in one standard session (the browser's session id).
  const standard = randomUUID();
  at('2026-03-02T15:30:00Z');
  const e = await claimOne(project.id, v2.id, standard);
  at('2026-03-02T15:31:00Z');
  await outcome(e, v2.id, 'refused');
  at('2026-03-02T15:31:30Z');
  const f = await claimOne(project.id, v2.id, standard);
  at('2026-03-02T15:33:00Z');
  await outcome(f, v2.id, 'wrong_number', [voters.F1!]);
  at('2026-03-02T15:33:30Z');
  const g = await claimOne(project.id, v2.id, standard);
  at('2026-03-02T15:34:00Z');
  await releaseClaim(ds, g.attemptId, clock.now()); // given back: an unfinished claim
  at('2026-03-02T16:10:00Z');
  const g2 = await claimOne(project.id, v2.id, standard);
  expect(g2.phone.e164).toBe('+12025550207');
  at('2026-03-02T16:11:00Z');
  await outcome(g2, v2.id, 'do_not_call');
  at('2026-03-02T16:12:00Z');
  const b2 = await claimOne(project.id, v2.id, standard); // B again, requeued after its busy
  expect(b2.phone.e164).toBe('+12025550202');
  at('2026-03-02T16:14:00Z');
  await outcome(b2, v2.id, 'successful');
  await saveSurveyAnswers(ds, {
    attemptId: b2.attemptId,
    userId: v2.id,
    now: clock.now(),
    answers: [{ voterId: voters.B1!, questionId: 'support', tag: 'opponent' }],
  });

  // 23:30 EST on 2 March (04:30 UTC on the 3rd), still the 2nd in New York: V2, no session id.
  at('2026-03-03T04:30:00Z');
  const h = await claimOne(project.id, v2.id, null);
  expect(h.phone.e164).toBe('+18085550208');
  at('2026-03-03T04:31:00Z');
  await outcome(h, v2.id, 'failed');

  // 17:00–17:01 UTC on the 2nd: V1 power-dials the second project (a UTC project) for a minute.
  at('2026-03-02T17:00:00Z');
  const s2 = await powerSession(campaign.id, otherProject.id, v1.id);
  await setVolunteerLeg(ds, s2, 'leg-2', clock.now());
  const leg2 = clock.now();
  at('2026-03-02T17:01:00Z');
  await meter(s2, campaign.id, leg2, { n: 0 });
  await setVolunteerLeg(ds, s2, null, null, clock.now());

  // The next day (outside the report's range): V1 power-dials D once more.
  at('2026-03-03T15:00:00Z');
  const s3 = await powerSession(campaign.id, project.id, v1.id);
  const leg3 = clock.now();
  await setVolunteerLeg(ds, s3, 'leg-3', leg3);
  at('2026-03-03T15:00:10Z');
  const d2 = await claimOne(project.id, v1.id, s3);
  expect(d2.phone.e164).toBe('+12025550204');
  at('2026-03-03T15:00:40Z');
  await outcome(d2, null, 'busy');
  at('2026-03-03T15:01:00Z');
  await meter(s3, campaign.id, leg3, { n: 0 });
  await setVolunteerLeg(ds, s3, null, null, clock.now());

  // Another campaign calling at the same time must not show up anywhere.
  const other = await newCampaign(ds);
  await appendCredit(ds, { campaignId: other.id, amountCents: 1000, reason: 'top-up' });
  const ov = await newUser(ds, other.id, 'volunteer');
  const op = await newProject(ds, other.id, { timeZone: ET });
  await newVoters(ds, other.id, [{ timeZone: ET, phones: [{ number: '2025550201' }] }]);
  await target(ds, other.id, op.id, {}, new Date('2026-03-01T12:00:00Z'));
  at('2026-03-02T14:30:00Z');
  const os = await powerSession(other.id, op.id, ov.id);
  await setVolunteerLeg(ds, os, 'leg-other', clock.now());
  const oc = await claimOne(op.id, ov.id, os);
  at('2026-03-02T14:35:00Z');
  await outcome(oc, ov.id, 'successful');
  await meter(os, other.id, new Date('2026-03-02T14:30:00Z'), { n: 0 });
  await setVolunteerLeg(ds, os, null, null, clock.now());

  return {
    campaignId: campaign.id,
    projectId: project.id,
    otherProjectId: otherProject.id,
    v1: v1.id,
    v2: v2.id,
    voters,
  };
}

/** Figures computed straight from the raw rows, with luxon for the day bounds. */
async function independently(w: World, from: string, to: string) {
  const lo = DateTime.fromISO(from, { zone: ET }).startOf('day').toJSDate();
  const hi = DateTime.fromISO(to, { zone: ET }).plus({ days: 1 }).startOf('day').toJSDate();
  const inRange = (t: Date) => t >= lo && t < hi;
  const all = await rows<{
    id: string;
    phone_id: string;
    user_id: string;
    session_id: string | null;
    claimed_at: Date;
    outcome: CallOutcome | null;
    outcome_at: Date | null;
    released_at: Date | null;
  }>(ds, 'SELECT * FROM call_attempts WHERE project_id = $1', [w.projectId]);
  const claims = all.filter((a) => inRange(a.claimed_at));
  const attempts = claims.filter((a) => a.outcome !== null);
  const count = (o: CallOutcome) => attempts.filter((a) => a.outcome === o).length;
  const connected = attempts.filter(
    (a) => a.outcome !== null && !['busy', 'no_answer', 'failed'].includes(a.outcome),
  );
  const contacts = connected.filter((a) => a.outcome !== 'voicemail');

  const legs = await rows<{ connected_at: Date; disconnected_at: Date; user_id: string; project_id: string }>(
    ds,
    `SELECT l.connected_at, l.disconnected_at, d.user_id, d.project_id
     FROM dial_session_legs l JOIN dial_sessions d ON d.id = l.session_id WHERE d.campaign_id = $1`,
    [w.campaignId],
  );
  const clip = (s: Date, e: Date) => Math.max(0, Math.min(+e, +hi) - Math.max(+s, +lo));
  const legMs = (projectId: string, userId?: string) =>
    legs
      .filter((l) => l.project_id === projectId && (!userId || l.user_id === userId))
      .reduce((sum, l) => sum + clip(l.connected_at, l.disconnected_at), 0);
  const powerSessions = new Set(
    (await rows<{ id: string }>(ds, 'SELECT id FROM dial_sessions')).map((s) => s.id),
  );
  const standardMs = (userId: string) => {
    const groups = new Map<string, { start: number; end: number }>();
    for (const a of claims.filter((x) => x.user_id === userId && !powerSessions.has(x.session_id ?? ''))) {
      const key = a.session_id ?? a.id;
      const end = +(a.outcome_at ?? a.released_at ?? a.claimed_at);
      const g = groups.get(key) ?? { start: +a.claimed_at, end };
      groups.set(key, { start: Math.min(g.start, +a.claimed_at), end: Math.max(g.end, end) });
    }
    return [...groups.values()].reduce((sum, g) => sum + clip(new Date(g.start), new Date(g.end)), 0);
  };

  const ledger = await rows<{ amount_cents: string; created_at: Date; project_id: string | null }>(
    ds,
    `SELECT l.amount_cents, l.created_at, d.project_id FROM credit_ledger l
     LEFT JOIN dial_sessions d ON d.id::text = l.session_ref WHERE l.campaign_id = $1`,
    [w.campaignId],
  );
  const usage = (projectId?: string) =>
    Math.round(
      -ledger
        .filter(
          (l) =>
            Number(l.amount_cents) < 0 && inRange(l.created_at) && (!projectId || l.project_id === projectId),
        )
        .reduce((sum, l) => sum + Number(l.amount_cents), 0) * 1000,
    );
  const byUser = (userId: string) => attempts.filter((a) => a.user_id === userId);
  return {
    attempts: attempts.length,
    numbersDialed: new Set(attempts.map((a) => a.phone_id)).size,
    unfinished: claims.length - attempts.length,
    outcomes: Object.fromEntries(CALL_OUTCOMES.map((o) => [o, count(o)])),
    connected: connected.length,
    contacts: contacts.length,
    hours: attempts.reduce<Record<number, number>>((acc, a) => {
      const hour = DateTime.fromJSDate(a.claimed_at, { zone: ET }).hour;
      acc[hour] = (acc[hour] ?? 0) + 1;
      return acc;
    }, {}),
    legMs,
    standardMs,
    usage,
    byUser,
  };
}

describe('project report', () => {
  let w: World;
  beforeAll(async () => {
    w = await script();
  });

  it("matches the scripted day's call records exactly", async () => {
    const report = await projectReport(ds, {
      campaignId: w.campaignId,
      projectId: w.projectId,
      from: '2026-03-02',
      to: '2026-03-02',
      now: new Date('2026-03-04T12:00:00Z'),
    });
    const raw = await independently(w, '2026-03-02', '2026-03-02');

    // The range: whole days in New York time.
    expect(report.range).toMatchObject({
      from: '2026-03-02',
      to: '2026-03-02',
      days: 1,
      timeZone: ET,
      startsAt: '2026-03-02T05:00:00.000Z',
      endsBefore: '2026-03-03T05:00:00.000Z',
    });

    // Calls: by hand, then from the raw rows.
    expect(report.calls).toMatchObject({
      attempts: 9,
      numbersDialed: 8,
      connected: 6,
      contacts: 5,
      contactRate: 55.6,
      connectRate: 66.7,
      volunteerMs: 390_000 + 2_640_000 + 60_000,
      callsPerVolunteerHour: 10.5,
    });
    expect(report.unfinishedClaims).toBe(1);
    expect(report.calls.attempts).toBe(raw.attempts);
    expect(report.calls.numbersDialed).toBe(raw.numbersDialed);
    expect(report.unfinishedClaims).toBe(raw.unfinished);
    expect(report.calls.connected).toBe(raw.connected);
    expect(report.calls.contacts).toBe(raw.contacts);
    expect(report.calls.volunteerMs).toBe(
      raw.legMs(w.projectId) + raw.standardMs(w.v1) + raw.standardMs(w.v2),
    );

    // Outcome mix: every outcome of SPEC §3.
    expect(report.calls.outcomes).toEqual([
      { outcome: 'successful', count: 2, percent: 22.2 },
      { outcome: 'voicemail', count: 1, percent: 11.1 },
      { outcome: 'refused', count: 1, percent: 11.1 },
      { outcome: 'busy', count: 1, percent: 11.1 },
      { outcome: 'no_answer', count: 1, percent: 11.1 },
      { outcome: 'failed', count: 1, percent: 11.1 },
      { outcome: 'wrong_number', count: 1, percent: 11.1 },
      { outcome: 'do_not_call', count: 1, percent: 11.1 },
    ]);
    expect(Object.fromEntries(report.calls.outcomes.map((o) => [o.outcome, o.count]))).toEqual(raw.outcomes);

    // Calls per hour of day (local).
    const busyHours = report.byHourOfDay.filter((h) => h.attempts > 0);
    expect(busyHours).toEqual([
      { hour: 9, attempts: 4, contacts: 1 },
      { hour: 10, attempts: 2, contacts: 2 },
      { hour: 11, attempts: 2, contacts: 2 },
      { hour: 23, attempts: 1, contacts: 0 },
    ]);
    expect(Object.fromEntries(busyHours.map((h) => [h.hour, h.attempts]))).toEqual(raw.hours);
    expect(report.byHourOfDay).toHaveLength(24);

    // Survey.
    expect(report.survey).toEqual([
      {
        questionId: 'support',
        text: 'Can we count on your vote?',
        answered: 3,
        answers: [
          { tag: 'supporter', label: 'Yes', count: 1, percent: 33.3 },
          { tag: 'opponent', label: 'No', count: 1, percent: 33.3 },
          { tag: 'undecided', label: 'Undecided', count: 1, percent: 33.3 },
        ],
      },
      {
        questionId: 'help',
        text: 'Will you volunteer?',
        answered: 1,
        answers: [{ tag: 'will-volunteer', label: 'Yes', count: 1, percent: 100 }],
      },
    ]);

    // Cost: the leg of 6 min 30 s is 65 increments of 6 s at 290 millicents = 18 850; the second
    // project's minute is 2 900; the next day and the other campaign are outside.
    expect(report.cost.rateCentsPerMinute).toBe(2.9);
    expect(report.cost.project).toEqual({
      chargedMillicents: 18_850,
      connectedMs: 390_000,
      phonesCalled: 8,
      perHourMillicents: 174_000,
      per100PhonesMillicents: 235_625,
      charged: '$0.19',
      perHour: '$1.74',
      per100Phones: '$2.36',
    });
    expect(report.cost.project.chargedMillicents).toBe(raw.usage(w.projectId));
    expect(report.cost.project.connectedMs).toBe(raw.legMs(w.projectId));
    expect(report.cost.campaign).toEqual({
      chargedMillicents: 21_750,
      connectedMs: 450_000,
      phonesCalled: 8,
      perHourMillicents: 174_000,
      per100PhonesMillicents: 271_875,
      charged: '$0.22',
      perHour: '$1.74',
      per100Phones: '$2.72',
    });
    expect(report.cost.campaign.chargedMillicents).toBe(raw.usage());

    // Per volunteer.
    const [first, second] = report.volunteers;
    expect(report.volunteers).toHaveLength(2);
    expect(first).toMatchObject({
      userId: w.v2,
      attempts: 5,
      numbersDialed: 5,
      contacts: 4,
      contactRate: 80,
      volunteerMs: 2_700_000,
      powerDialMs: 0,
      standardMs: 2_700_000,
      callsPerVolunteerHour: 6.7,
    });
    expect(second).toMatchObject({
      userId: w.v1,
      attempts: 4,
      numbersDialed: 4,
      contacts: 1,
      contactRate: 25,
      volunteerMs: 390_000,
      powerDialMs: 390_000,
      standardMs: 0,
      callsPerVolunteerHour: 36.9,
    });
    expect(first!.outcomes.filter((o) => o.count > 0).map((o) => [o.outcome, o.count])).toEqual([
      ['successful', 1],
      ['refused', 1],
      ['failed', 1],
      ['wrong_number', 1],
      ['do_not_call', 1],
    ]);
    expect(first!.attempts).toBe(raw.byUser(w.v2).length);
    expect(second!.attempts).toBe(raw.byUser(w.v1).length);
    expect(first!.volunteerMs).toBe(raw.standardMs(w.v2));
    expect(second!.volunteerMs).toBe(raw.legMs(w.projectId, w.v1));
  });

  it('covers the next day too with a two-day range', async () => {
    const report = await projectReport(ds, {
      campaignId: w.campaignId,
      projectId: w.projectId,
      from: '2026-03-02',
      to: '2026-03-03',
      now: new Date('2026-03-04T12:00:00Z'),
    });
    const raw = await independently(w, '2026-03-02', '2026-03-03');
    expect(report.calls).toMatchObject({ attempts: 10, numbersDialed: 8 });
    expect(report.calls.attempts).toBe(raw.attempts);
    expect(report.cost.project.chargedMillicents).toBe(18_850 + 2_900);
    expect(report.cost.project.chargedMillicents).toBe(raw.usage(w.projectId));
    expect(report.calls.volunteerMs).toBe(390_000 + 60_000 + 2_700_000);
  });

  it('reports an empty range with zeros and no ratios', async () => {
    const report = await projectReport(ds, {
      campaignId: w.campaignId,
      projectId: w.projectId,
      from: '2026-02-01',
      to: '2026-02-28',
      now: new Date('2026-03-04T12:00:00Z'),
    });
    expect(report.calls).toMatchObject({
      attempts: 0,
      contactRate: null,
      callsPerVolunteerHour: null,
      volunteerMs: 0,
    });
    expect(report.cost.project).toMatchObject({ charged: '$0.00', perHour: null, per100Phones: null });
    expect(report.volunteers).toEqual([]);
    expect(report.survey.map((q) => q.answered)).toEqual([0, 0]);
  });

  it('counts a leg still connected until now, and never past the range', async () => {
    const s = randomUUID();
    at('2026-03-05T14:00:00Z');
    await insertDialSession(ds, {
      id: s,
      campaignId: w.campaignId,
      projectId: w.projectId,
      userId: w.v1,
      mode: 'voip',
      stage: 'idle',
      state: {},
      now: clock.now(),
    });
    await setVolunteerLeg(ds, s, 'leg-open', clock.now());
    const report = (now: string, to = '2026-03-05') =>
      volunteerReport(ds, {
        campaignId: w.campaignId,
        projectId: w.projectId,
        from: '2026-03-05',
        to,
        now: new Date(now),
      });
    expect((await report('2026-03-05T14:10:00Z')).volunteers[0]).toMatchObject({
      userId: w.v1,
      powerDialMs: 600_000,
    });
    // The day ends at 05:00 UTC on the 6th (midnight in New York).
    expect((await report('2026-03-07T00:00:00Z')).volunteers[0]).toMatchObject({
      powerDialMs: 15 * 3_600_000,
    });
    await setVolunteerLeg(ds, s, null, null, new Date('2026-03-05T14:20:00Z'));
    expect((await report('2026-03-07T00:00:00Z')).volunteers[0]).toMatchObject({ powerDialMs: 1_200_000 });
  });

  it('reports each volunteer across every project of the campaign, each project in its own days', async () => {
    const all = await volunteerReport(ds, {
      campaignId: w.campaignId,
      projectId: null,
      from: '2026-03-02',
      to: '2026-03-02',
      now: new Date('2026-03-04T12:00:00Z'),
    });
    const v1 = all.volunteers.find((v) => v.userId === w.v1);
    // The main project's leg, plus the second project's minute (its day is the UTC day).
    expect(v1).toMatchObject({
      attempts: 4,
      powerDialMs: 450_000,
      volunteerMs: 450_000,
      callsPerVolunteerHour: 32,
    });
    // The campaign's other calls are not there.
    expect(all.volunteers.map((v) => v.userId).sort()).toEqual([w.v1, w.v2].sort());
  });

  it('refuses another campaign’s project and bad ranges', async () => {
    const other = await newCampaign(ds);
    const req = { from: '2026-03-02', to: '2026-03-02', now: new Date() };
    await expect(
      projectReport(ds, { ...req, campaignId: other.id, projectId: w.projectId }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      projectReport(ds, { ...req, campaignId: w.campaignId, projectId: w.projectId, to: '2026-03-01' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      volunteerReport(ds, { ...req, campaignId: other.id, projectId: w.projectId }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports one CSV row per attempt and per answer, escaped, in pages', async () => {
    const read = async (lines: AsyncIterable<string>) => {
      let text = '';
      for await (const line of lines) text += line;
      return text;
    };
    const req = {
      campaignId: w.campaignId,
      projectId: w.projectId,
      from: '2026-03-02',
      to: '2026-03-02',
      pageSize: 2,
    };
    const results = await projectResultsCsv(ds, req);
    expect(results.fileName).toBe('Main-list-results-2026-03-02-to-2026-03-02.csv');
    const text = await read(results.lines);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      '\uFEFFattempt_id,claimed_at,dial_started_at,answered_at,ended_at,outcome_at,time_zone,phone,voter_ids,voters,outcome,wrong_number_voter_ids,volunteer,mode,session_id,duration_seconds,sip_cause,q850_cause',
    );
    expect(lines).toHaveLength(1 + 10 + 1); // header, 9 attempts + 1 unfinished claim, final CRLF
    expect(lines[1]).toContain(
      ",2026-03-02 09:00:10,,,2026-03-02 09:03:00,2026-03-02 09:03:00,America/New_York,'+12025550201,A2; A1,Al Avery; Ann Avery,successful,,",
    );
    expect(lines[1]).toContain(',power-dial,');
    expect(lines.find((l) => l.includes(',wrong_number,'))).toContain(
      `F1,"'=cmd Fox, ""Jr""",wrong_number,F1,`,
    );
    expect(lines.filter((l) => l.includes(',standard,'))).toHaveLength(6);
    expect(lines[10]).toContain('2026-03-02 23:30:00');
    const ids = lines.slice(1, -1).map((l) => l.split(',')[0]);
    expect(new Set(ids).size).toBe(10);

    const survey = await read((await projectSurveyCsv(ds, req)).lines);
    const surveyLines = survey.split('\r\n');
    expect(surveyLines).toHaveLength(1 + 4 + 1);
    expect(surveyLines[0]).toBe(
      '\uFEFFanswered_at,time_zone,attempt_id,phone,voter_id,voter,question_id,question,answer_tag,answer,volunteer',
    );
    expect(
      surveyLines.filter((l) => l.includes(',support,Can we count on your vote?,supporter,Yes,')),
    ).toHaveLength(1);
    expect(surveyLines[4]).toContain(
      ",'+12025550202,B1,Bo Baker,support,Can we count on your vote?,opponent,No,",
    );
  });
});
