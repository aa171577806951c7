/**
 * The arithmetic of the campaign staff's reports (issue 6, SPEC §6). Queries count; this file
 * defines what the counts mean, divides and rounds. Every figure is reproducible from the call
 * records with the definitions below (the report page shows them to staff).
 *
 * ## Definitions
 * - **Attempt**: a call attempt (a claim of a phone) of the project, taken inside the range,
 *   that has an outcome. A claim given back or abandoned without an outcome is not an attempt
 *   (the report counts those apart, as unfinished claims).
 * - **Numbers dialed**: distinct phones with at least one attempt in the range.
 * - **Connected**: attempts whose outcome says the call was answered by someone or something:
 *   successful, voicemail, refused, wrong number, do not call.
 * - **Contact**: a connected attempt where a person answered: every connected outcome except
 *   voicemail. **Contact rate** = contacts ÷ attempts.
 * - **Outcome mix**: each outcome of SPEC §3 with its count and its share of the attempts.
 * - **Volunteer time**: power dialing, the time each volunteer leg was connected (joined the
 *   volunteer's bridge until it hung up; a leg still connected counts until now); standard
 *   dialing (no leg), each standard session from its first claim to its last outcome (an attempt
 *   without a session counts from its claim to its outcome). Clipped to the range; a volunteer's
 *   overlapping sessions count once. **Calls per volunteer-hour** = attempts ÷ volunteer hours.
 * - **Hour of day**: the local hour (project time zone) at which the phone was claimed.
 *
 * Percentages and per-hour figures are rounded half-up to one decimal with exact integer
 * arithmetic; a ratio without a denominator is null, never 0 or NaN. Money stays in integer
 * millicents (see metering) and is shown rounded half-up to the cent.
 */
import { CALL_OUTCOMES, type CallOutcome } from '../outcome/call-outcome';
import {
  costFigures,
  formatMillicentsAsDollars,
  type CostFigures,
  type Usage,
} from '../metering/cost-report.calculator';

/** Outcomes where the call was answered (by a person or a machine). */
export const CONNECTED_OUTCOMES: readonly CallOutcome[] = [
  'successful',
  'voicemail',
  'refused',
  'wrong_number',
  'do_not_call',
];

/** Outcomes where a person answered: a contact. */
export const CONTACT_OUTCOMES: readonly CallOutcome[] = [
  'successful',
  'refused',
  'wrong_number',
  'do_not_call',
];

/** The longest range a report covers, in days. */
export const MAX_REPORT_DAYS = 366;

const MS_PER_HOUR = 3_600_000;

export class ReportError extends Error {
  constructor(
    readonly code: 'INVALID_RANGE' | 'INVALID_COUNT',
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

// ---- the range -------------------------------------------------------------------------------

export interface ReportRange {
  /** First local day, YYYY-MM-DD (inclusive). */
  from: string;
  /** Last local day, YYYY-MM-DD (inclusive). */
  to: string;
  days: number;
}

/** A range of whole local days, `from` to `to` inclusive; refuses bad dates and long ranges. */
export function parseReportRange(from: string, to: string, maxDays = MAX_REPORT_DAYS): ReportRange {
  const start = dayNumber(from, 'from');
  const end = dayNumber(to, 'to');
  if (end < start) throw new ReportError('INVALID_RANGE', `"to" (${to}) is before "from" (${from})`);
  const days = end - start + 1;
  if (days > maxDays) {
    throw new ReportError(
      'INVALID_RANGE',
      `a report covers at most ${maxDays} days; ${from}..${to} is ${days}`,
    );
  }
  return { from, to, days };
}

function dayNumber(day: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new ReportError('INVALID_RANGE', `"${name}" must be a date as YYYY-MM-DD, got "${day}"`);
  }
  return ms / 86_400_000;
}

// ---- ratios ----------------------------------------------------------------------------------

/** part ÷ whole as a percentage with one decimal (half-up); null when whole is 0. */
export function percentOf(part: number, whole: number): number | null {
  assertCount(part, 'part');
  assertCount(whole, 'whole');
  if (whole === 0) return null;
  return tenthsHalfUp(BigInt(part) * 1000n, BigInt(whole));
}

/** How many per hour, one decimal (half-up); null without any time. */
export function perHour(count: number, ms: number): number | null {
  assertCount(count, 'count');
  assertCount(ms, 'time');
  if (ms === 0) return null;
  return tenthsHalfUp(BigInt(count) * BigInt(MS_PER_HOUR) * 10n, BigInt(ms));
}

/** round-half-up(a / b) / 10, for a ≥ 0 and b > 0. */
function tenthsHalfUp(a: bigint, b: bigint): number {
  return Number((a * 2n + b) / (b * 2n)) / 10;
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ReportError('INVALID_COUNT', `${name} must be a whole number >= 0, got ${value}`);
  }
}

// ---- calls -----------------------------------------------------------------------------------

export type OutcomeCounts = Partial<Record<CallOutcome, number>>;

export interface OutcomeShare {
  outcome: CallOutcome;
  count: number;
  /** Share of the attempts, percent with one decimal; null without attempts. */
  percent: number | null;
}

export interface CallFigures {
  attempts: number;
  numbersDialed: number;
  connected: number;
  contacts: number;
  /** contacts ÷ attempts, percent. */
  contactRate: number | null;
  /** connected ÷ attempts, percent. */
  connectRate: number | null;
  /** Every outcome of SPEC §3, in the order of the outcome buttons. */
  outcomes: OutcomeShare[];
  volunteerMs: number;
  callsPerVolunteerHour: number | null;
}

export interface CallCounts {
  outcomes: OutcomeCounts;
  numbersDialed: number;
  volunteerMs: number;
}

/** The call figures of a project or a volunteer. Attempts are the sum of the outcome counts. */
export function callFigures(counts: CallCounts): CallFigures {
  const count = (o: CallOutcome): number => {
    const n = counts.outcomes[o] ?? 0;
    assertCount(n, o);
    return n;
  };
  const attempts = CALL_OUTCOMES.reduce((sum, o) => sum + count(o), 0);
  assertCount(counts.numbersDialed, 'numbers dialed');
  if (counts.numbersDialed > attempts) {
    throw new ReportError(
      'INVALID_COUNT',
      `numbers dialed (${counts.numbersDialed}) cannot exceed attempts (${attempts})`,
    );
  }
  const connected = CONNECTED_OUTCOMES.reduce((sum, o) => sum + count(o), 0);
  const contacts = CONTACT_OUTCOMES.reduce((sum, o) => sum + count(o), 0);
  return {
    attempts,
    numbersDialed: counts.numbersDialed,
    connected,
    contacts,
    contactRate: percentOf(contacts, attempts),
    connectRate: percentOf(connected, attempts),
    outcomes: CALL_OUTCOMES.map((outcome) => ({
      outcome,
      count: count(outcome),
      percent: percentOf(count(outcome), attempts),
    })),
    volunteerMs: counts.volunteerMs,
    callsPerVolunteerHour: perHour(attempts, counts.volunteerMs),
  };
}

export interface HourOfDayCount {
  /** 0–23, local to the project. */
  hour: number;
  attempts: number;
  contacts: number;
}

/** All 24 hours of the day, in order, with zeros where nothing was called. */
export function callsByHourOfDay(counts: readonly HourOfDayCount[]): HourOfDayCount[] {
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, attempts: 0, contacts: 0 }));
  for (const c of counts) {
    if (!Number.isInteger(c.hour) || c.hour < 0 || c.hour > 23) {
      throw new ReportError('INVALID_COUNT', `an hour of day is 0–23, got ${c.hour}`);
    }
    assertCount(c.attempts, 'attempts');
    assertCount(c.contacts, 'contacts');
    hours[c.hour]!.attempts += c.attempts;
    hours[c.hour]!.contacts += c.contacts;
  }
  return hours;
}

// ---- volunteer time --------------------------------------------------------------------------

export interface TimeInterval {
  /** ms since the epoch */
  start: number;
  end: number;
}

/** Length of the union of intervals (overlaps count once); empty or reversed intervals add nothing. */
export function unionMs(intervals: readonly TimeInterval[]): number {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const i of sorted) {
    if (Number.isNaN(curStart) || i.start > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      curStart = i.start;
      curEnd = i.end;
    } else if (i.end > curEnd) {
      curEnd = i.end;
    }
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

export interface VolunteerInterval extends TimeInterval {
  /** null: an account that was deleted. */
  userId: string | null;
  kind: 'power-dial' | 'standard';
}

export interface VolunteerTime {
  userId: string | null;
  /** Union of all the volunteer's intervals. */
  totalMs: number;
  powerDialMs: number;
  standardMs: number;
}

/** Each volunteer's time, by kind and in all (a volunteer's overlapping intervals count once). */
export function volunteerTime(intervals: readonly VolunteerInterval[]): VolunteerTime[] {
  const byUser = new Map<string | null, VolunteerInterval[]>();
  for (const i of intervals) byUser.set(i.userId, [...(byUser.get(i.userId) ?? []), i]);
  return [...byUser].map(([userId, list]) => ({
    userId,
    totalMs: unionMs(list),
    powerDialMs: unionMs(list.filter((i) => i.kind === 'power-dial')),
    standardMs: unionMs(list.filter((i) => i.kind === 'standard')),
  }));
}

// ---- survey ----------------------------------------------------------------------------------

export interface SurveyQuestionDefinition {
  id: string;
  text: string;
  answers: readonly { label: string; tag: string }[];
}

export interface SurveyAnswerCount {
  questionId: string;
  tag: string;
  count: number;
}

export interface SurveyQuestionResult {
  questionId: string;
  text: string;
  /** Answers recorded for this question. */
  answered: number;
  /** Each answer of the question (zeros included), then tags no longer offered. */
  answers: { tag: string; label: string; count: number; percent: number | null }[];
}

/**
 * Answer counts per question, in the project's question order; answers recorded for questions
 * or tags the project no longer has come after, labelled by their ids, so nothing is lost.
 */
export function surveyResults(
  questions: readonly SurveyQuestionDefinition[],
  counts: readonly SurveyAnswerCount[],
): SurveyQuestionResult[] {
  const byQuestion = new Map<string, Map<string, number>>();
  for (const c of counts) {
    assertCount(c.count, 'answer count');
    const tags = byQuestion.get(c.questionId) ?? new Map<string, number>();
    tags.set(c.tag, (tags.get(c.tag) ?? 0) + c.count);
    byQuestion.set(c.questionId, tags);
  }
  const known = new Set(questions.map((q) => q.id));
  const all: SurveyQuestionDefinition[] = [
    ...questions,
    ...[...byQuestion.keys()].filter((id) => !known.has(id)).map((id) => ({ id, text: id, answers: [] })),
  ];
  return all.map((q) => {
    const tags = byQuestion.get(q.id) ?? new Map<string, number>();
    const offered = new Set(q.answers.map((a) => a.tag));
    const rows = [
      ...q.answers.map((a) => ({ tag: a.tag, label: a.label, count: tags.get(a.tag) ?? 0 })),
      ...[...tags].filter(([tag]) => !offered.has(tag)).map(([tag, count]) => ({ tag, label: tag, count })),
    ];
    const answered = rows.reduce((sum, r) => sum + r.count, 0);
    return {
      questionId: q.id,
      text: q.text,
      answered,
      answers: rows.map((r) => ({ ...r, percent: percentOf(r.count, answered) })),
    };
  });
}

// ---- money -----------------------------------------------------------------------------------

export interface MoneyFigures extends CostFigures {
  /** The same amounts as dollars, rounded half-up to the cent ("$1.74"). */
  charged: string;
  perHour: string | null;
  per100Phones: string | null;
}

/** Cost figures (charged, per hour of leg time, per 100 numbers) with their dollar texts. */
export function moneyFigures(usage: Usage): MoneyFigures {
  const f = costFigures(usage);
  return {
    ...f,
    charged: formatMillicentsAsDollars(f.chargedMillicents),
    perHour: f.perHourMillicents === null ? null : formatMillicentsAsDollars(f.perHourMillicents),
    per100Phones:
      f.per100PhonesMillicents === null ? null : formatMillicentsAsDollars(f.per100PhonesMillicents),
  };
}
