import {
  CONTACT_OUTCOMES,
  callFigures,
  callsByHourOfDay,
  costReportByProject,
  moneyFigures,
  surveyResults,
  volunteerTime,
  type CallFigures,
  type CallOutcome,
  type HourOfDayCount,
  type MoneyFigures,
  type OutcomeCounts,
  type ReportRange,
  type SurveyQuestionResult,
  type VolunteerInterval,
} from '@phonebank/domain';
import type { SurveyQuestion } from '../entities/project.entity';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import { bounds, parseRange } from './report-range';

/**
 * The campaign staff's reports (issue 6): the queries count, `@phonebank/domain`
 * (reports/call-report.calculator) defines the figures and does the arithmetic. A range is whole
 * local days of each project's time zone: [from 00:00, to + 1 day 00:00) local.
 */

export interface ReportRequest {
  campaignId: string;
  from: string;
  to: string;
  /** The report's "now": legs still connected count until then. */
  now: Date;
}

export interface VolunteerFigures extends CallFigures {
  /** null: calls of an account that was deleted. */
  userId: string | null;
  name: string;
  powerDialMs: number;
  standardMs: number;
}

export interface ProjectReport {
  project: { id: string; name: string; timeZone: string };
  range: ReportRange & { timeZone: string; startsAt: string; endsBefore: string };
  generatedAt: string;
  calls: CallFigures;
  /** Claims in the range without an outcome (given back, or still open). */
  unfinishedClaims: number;
  byHourOfDay: HourOfDayCount[];
  survey: SurveyQuestionResult[];
  cost: {
    rateCentsPerMinute: number;
    /** This project: usage of its power-dialing sessions, per hour of their leg time, per 100 numbers dialed. */
    project: MoneyFigures;
    /** Every project of the campaign, the same days. */
    campaign: MoneyFigures;
  };
  volunteers: VolunteerFigures[];
}

export interface VolunteerReport {
  range: ReportRange;
  projectId: string | null;
  volunteers: VolunteerFigures[];
}

interface ProjectHead {
  id: string;
  name: string;
  time_zone: string;
  survey_questions: SurveyQuestion[];
  starts_at: Date;
  ends_before: Date;
  rate: string;
}

/** A report of one project of the campaign (404 when the project is not the campaign's). */
export async function projectReport(
  db: Db,
  req: ReportRequest & { projectId: string },
): Promise<ProjectReport> {
  const range = parseRange(req.from, req.to);
  const head = await one<ProjectHead>(
    db,
    `SELECT p.id, p.name, p.time_zone, p.survey_questions, r.lo AS starts_at, r.hi AS ends_before,
            c.rate_cents_per_minute AS rate
     FROM projects p JOIN campaigns c ON c.id = p.campaign_id
     CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
     WHERE p.id = $1 AND p.campaign_id = $2`,
    [req.projectId, req.campaignId, range.from, range.to],
  );
  if (!head) throw new QueueError('NOT_FOUND', 'project not found');

  const scope = { ...req, projectId: req.projectId, range };
  const [outcomes, phones, unfinished, hours, answers, intervals, usage] = await Promise.all([
    outcomeCounts(db, scope),
    phonesDialed(db, scope),
    one<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM call_attempts
       WHERE project_id = $1 AND claimed_at >= $2 AND claimed_at < $3 AND outcome IS NULL`,
      [req.projectId, head.starts_at, head.ends_before],
    ),
    rows<HourOfDayCount>(
      db,
      `SELECT extract(hour FROM a.claimed_at AT TIME ZONE $4)::int AS hour, count(*)::int AS attempts,
              (count(*) FILTER (WHERE a.outcome::text = ANY($5::text[])))::int AS contacts
       FROM call_attempts a
       WHERE a.project_id = $1 AND a.claimed_at >= $2 AND a.claimed_at < $3 AND a.outcome IS NOT NULL
       GROUP BY 1`,
      [req.projectId, head.starts_at, head.ends_before, head.time_zone, CONTACT_OUTCOMES],
    ),
    rows<{ questionId: string; tag: string; count: number }>(
      db,
      `SELECT s.question_id AS "questionId", s.answer_tag AS tag, count(*)::int AS count
       FROM survey_answers s JOIN call_attempts a ON a.id = s.attempt_id
       WHERE a.project_id = $1 AND a.claimed_at >= $2 AND a.claimed_at < $3
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [req.projectId, head.starts_at, head.ends_before],
    ),
    // Every project's intervals: the campaign's cost per hour needs all of its leg time.
    volunteerIntervals(db, { ...scope, projectId: null }),
    usageByProject(db, { ...scope, projectId: null }),
  ]);

  const projectIntervals = intervals.filter((i) => i.projectId === req.projectId);
  const volunteers = await volunteerFigures(db, outcomes, phones, projectIntervals);
  const legMsByProject = new Map<string, number>();
  for (const i of intervals) {
    if (i.kind === 'power-dial')
      legMsByProject.set(i.projectId, (legMsByProject.get(i.projectId) ?? 0) + i.end - i.start);
  }
  const phonesByProject = await phonesDialedByProject(db, scope);
  const projectIds = new Set([...legMsByProject.keys(), ...usage.keys(), ...phonesByProject.keys()]);
  const cost = costReportByProject(
    [...projectIds].map((projectId) => ({
      projectId,
      chargedMillicents: usage.get(projectId) ?? 0,
      connectedMs: legMsByProject.get(projectId) ?? 0,
      phonesCalled: phonesByProject.get(projectId) ?? 0,
    })),
  );
  const own = cost.projects.find((p) => p.projectId === req.projectId) ?? {
    chargedMillicents: 0,
    connectedMs: 0,
    phonesCalled: 0,
  };

  return {
    project: { id: head.id, name: head.name, timeZone: head.time_zone },
    range: {
      ...range,
      timeZone: head.time_zone,
      startsAt: head.starts_at.toISOString(),
      endsBefore: head.ends_before.toISOString(),
    },
    generatedAt: req.now.toISOString(),
    calls: callFigures({
      outcomes: sumOutcomes(outcomes),
      numbersDialed: phones.get(ALL) ?? 0,
      volunteerMs: volunteers.reduce((sum, v) => sum + v.volunteerMs, 0),
    }),
    unfinishedClaims: unfinished?.n ?? 0,
    byHourOfDay: callsByHourOfDay(hours),
    survey: surveyResults(head.survey_questions ?? [], answers),
    cost: {
      rateCentsPerMinute: Number(head.rate),
      project: moneyFigures({
        chargedMillicents: own.chargedMillicents,
        connectedMs: own.connectedMs,
        phonesCalled: own.phonesCalled,
      }),
      campaign: moneyFigures({
        chargedMillicents: cost.total.chargedMillicents,
        connectedMs: cost.total.connectedMs,
        phonesCalled: cost.total.phonesCalled,
      }),
    },
    volunteers,
  };
}

/** Per volunteer, over one project or (projectId null) every project of the campaign. */
export async function volunteerReport(
  db: Db,
  req: ReportRequest & { projectId: string | null },
): Promise<VolunteerReport> {
  const range = parseRange(req.from, req.to);
  if (req.projectId) {
    const found = await one<{ id: string }>(
      db,
      `SELECT id FROM projects WHERE id = $1 AND campaign_id = $2`,
      [req.projectId, req.campaignId],
    );
    if (!found) throw new QueueError('NOT_FOUND', 'project not found');
  }
  const scope = { ...req, range };
  const [outcomes, phones, intervals] = await Promise.all([
    outcomeCounts(db, scope),
    phonesDialed(db, scope),
    volunteerIntervals(db, scope),
  ]);
  return {
    range,
    projectId: req.projectId,
    volunteers: await volunteerFigures(db, outcomes, phones, intervals),
  };
}

// ---- the queries -------------------------------------------------------------------------------

interface Scope {
  campaignId: string;
  projectId: string | null;
  range: ReportRange;
  now: Date;
}

/** The key of the all-volunteers row in per-user maps. */
const ALL = '*';
const userKey = (userId: string | null): string => userId ?? '';

/** The attempts in scope: finished claims of the campaign (or one project) inside each project's days. */
const ATTEMPTS_IN_SCOPE = `
  FROM call_attempts a JOIN projects p ON p.id = a.project_id
  CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
  WHERE a.campaign_id = $1 AND ($2::uuid IS NULL OR a.project_id = $2)
    AND a.claimed_at >= r.lo AND a.claimed_at < r.hi AND a.outcome IS NOT NULL`;

interface OutcomeRow {
  userId: string | null;
  outcome: CallOutcome;
  n: number;
}

function outcomeCounts(db: Db, s: Scope): Promise<OutcomeRow[]> {
  return rows<OutcomeRow>(
    db,
    `SELECT a.user_id AS "userId", a.outcome::text AS outcome, count(*)::int AS n ${ATTEMPTS_IN_SCOPE}
     GROUP BY 1, 2`,
    [s.campaignId, s.projectId, s.range.from, s.range.to],
  );
}

/** Distinct phones per volunteer, and in all (key ALL). */
async function phonesDialed(db: Db, s: Scope): Promise<Map<string, number>> {
  const r = await rows<{ userId: string | null; total: boolean; n: number }>(
    db,
    `SELECT a.user_id AS "userId", grouping(a.user_id) = 1 AS total, count(DISTINCT a.phone_id)::int AS n
     ${ATTEMPTS_IN_SCOPE}
     GROUP BY GROUPING SETS ((a.user_id), ())`,
    [s.campaignId, s.projectId, s.range.from, s.range.to],
  );
  return new Map(r.map((x) => [x.total ? ALL : userKey(x.userId), x.n]));
}

async function phonesDialedByProject(db: Db, s: Scope): Promise<Map<string, number>> {
  const r = await rows<{ projectId: string; n: number }>(
    db,
    `SELECT a.project_id AS "projectId", count(DISTINCT a.phone_id)::int AS n ${ATTEMPTS_IN_SCOPE} GROUP BY 1`,
    [s.campaignId, null, s.range.from, s.range.to],
  );
  return new Map(r.map((x) => [x.projectId, x.n]));
}

/** Power-dialing usage in the ledger (entries of a session, negative), per project of the session. */
async function usageByProject(db: Db, s: Scope): Promise<Map<string, number>> {
  const r = await rows<{ projectId: string; millicents: string }>(
    db,
    `SELECT d.project_id AS "projectId", round(-sum(l.amount_cents) * 1000)::bigint AS millicents
     FROM credit_ledger l
     JOIN dial_sessions d ON d.id::text = l.session_ref AND d.campaign_id = l.campaign_id
     JOIN projects p ON p.id = d.project_id
     CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
     WHERE l.campaign_id = $1 AND ($2::uuid IS NULL OR d.project_id = $2) AND l.amount_cents < 0
       AND l.created_at >= r.lo AND l.created_at < r.hi
     GROUP BY 1`,
    [s.campaignId, s.projectId, s.range.from, s.range.to],
  );
  return new Map(r.map((x) => [x.projectId, Number(x.millicents)]));
}

interface IntervalRow {
  userId: string | null;
  projectId: string;
  kind: 'power-dial' | 'standard';
  start: Date;
  end: Date;
}

/**
 * Volunteer time, clipped to each project's days: power-dialing legs (an open leg runs until
 * its session ended, else until now), and standard sessions (the claims sharing the browser's
 * session id, or one claim without it) from first claim to last outcome or release.
 */
async function volunteerIntervals(db: Db, s: Scope): Promise<(VolunteerInterval & { projectId: string })[]> {
  const r = await rows<IntervalRow>(
    db,
    `SELECT d.user_id AS "userId", d.project_id AS "projectId", 'power-dial' AS kind,
            greatest(l.connected_at, r.lo) AS start,
            least(coalesce(l.disconnected_at, d.ended_at, $5), r.hi) AS end
     FROM dial_session_legs l
     JOIN dial_sessions d ON d.id = l.session_id
     JOIN projects p ON p.id = d.project_id
     CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
     WHERE d.campaign_id = $1 AND ($2::uuid IS NULL OR d.project_id = $2)
       AND l.connected_at < r.hi AND coalesce(l.disconnected_at, d.ended_at, $5) > r.lo
     UNION ALL
     SELECT a.user_id, a.project_id, 'standard',
            greatest(min(a.claimed_at), r.lo), least(max(coalesce(a.outcome_at, a.released_at, a.claimed_at)), r.hi)
     FROM call_attempts a JOIN projects p ON p.id = a.project_id
     CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
     WHERE a.campaign_id = $1 AND ($2::uuid IS NULL OR a.project_id = $2)
       AND a.claimed_at >= r.lo AND a.claimed_at < r.hi
       AND NOT EXISTS (SELECT 1 FROM dial_sessions d WHERE d.id = a.session_id)
     GROUP BY a.user_id, a.project_id, coalesce(a.session_id, a.id), r.lo, r.hi`,
    [s.campaignId, s.projectId, s.range.from, s.range.to, s.now],
  );
  return r.map((x) => ({
    userId: x.userId,
    projectId: x.projectId,
    kind: x.kind,
    start: x.start.getTime(),
    end: x.end.getTime(),
  }));
}

function sumOutcomes(list: readonly OutcomeRow[]): OutcomeCounts {
  const counts: OutcomeCounts = {};
  for (const r of list) counts[r.outcome] = (counts[r.outcome] ?? 0) + r.n;
  return counts;
}

async function volunteerFigures(
  db: Db,
  outcomes: readonly OutcomeRow[],
  phones: ReadonlyMap<string, number>,
  intervals: readonly VolunteerInterval[],
): Promise<VolunteerFigures[]> {
  const times = new Map(volunteerTime(intervals).map((t) => [userKey(t.userId), t]));
  const userIds = new Map<string, string | null>();
  for (const r of outcomes) userIds.set(userKey(r.userId), r.userId);
  for (const t of times.values()) userIds.set(userKey(t.userId), t.userId);
  const ids = [...userIds.values()].filter((id): id is string => id !== null);
  const names = new Map(
    (
      await rows<{ id: string; name: string; email: string | null }>(
        db,
        `SELECT id, name, email FROM users WHERE id = ANY($1::uuid[])`,
        [ids],
      )
    ).map((u) => [u.id, u.name || u.email || u.id]),
  );
  return [...userIds]
    .map(([key, userId]) => {
      const time = times.get(key);
      return {
        userId,
        name: userId === null ? '(deleted account)' : (names.get(userId) ?? userId),
        powerDialMs: time?.powerDialMs ?? 0,
        standardMs: time?.standardMs ?? 0,
        ...callFigures({
          outcomes: sumOutcomes(outcomes.filter((o) => userKey(o.userId) === key)),
          numbersDialed: phones.get(key) ?? 0,
          volunteerMs: time?.totalMs ?? 0,
        }),
      };
    })
    .sort((a, b) => b.attempts - a.attempts || a.name.localeCompare(b.name));
}

export interface ReportProject {
  id: string;
  name: string;
  timeZone: string;
  archived: boolean;
}

/** Every project of the campaign, archived ones too (their calls still count), by name. */
export async function reportableProjects(db: Db, campaignId: string): Promise<ReportProject[]> {
  return rows<ReportProject>(
    db,
    `SELECT id, name, time_zone AS "timeZone", archived_at IS NOT NULL AS archived
     FROM projects WHERE campaign_id = $1 ORDER BY archived_at IS NOT NULL, name, id`,
    [campaignId],
  );
}
