/**
 * The contract of the staff reports (issue 6): the JSON the report routes answer with. Plain
 * types, no imports, shared by relative path with the orchestrator (which checks at compile
 * time that what it sends fits) and the Angular app.
 *
 * Routes (admin and organizer only; scoped to the signed-in user's campaign; `from` and `to` are
 * days as YYYY-MM-DD, both included, in each project's own time zone; at most 366 days):
 *   GET /api/reports/projects                                   the projects one can report on
 *   GET /api/reports/projects/:id?from&to                       ProjectReportJson
 *   GET /api/reports/volunteers?from&to[&projectId]             VolunteerReportJson
 *   GET /api/reports/projects/:id/results.csv?from&to           one row per call attempt
 *   GET /api/reports/projects/:id/survey.csv?from&to            one row per survey answer
 *
 * Definitions (the report page shows them): see libs/domain/src/reports/call-report.calculator.ts.
 */

export type ReportOutcome =
  'successful' | 'voicemail' | 'refused' | 'busy' | 'no_answer' | 'failed' | 'wrong_number' | 'do_not_call';

export interface ReportProjectOption {
  id: string;
  name: string;
  timeZone: string;
  archived: boolean;
}

export interface ReportRangeJson {
  from: string;
  to: string;
  days: number;
}

export interface OutcomeShareJson {
  outcome: ReportOutcome;
  count: number;
  /** Share of the attempts in percent, one decimal; null without attempts. */
  percent: number | null;
}

export interface CallFiguresJson {
  /** Claims with an outcome. */
  attempts: number;
  /** Distinct phones with an attempt. */
  numbersDialed: number;
  /** Answered by a person or a machine. */
  connected: number;
  /** Answered by a person (connected minus voicemail). */
  contacts: number;
  contactRate: number | null;
  connectRate: number | null;
  outcomes: OutcomeShareJson[];
  volunteerMs: number;
  callsPerVolunteerHour: number | null;
}

export interface VolunteerFiguresJson extends CallFiguresJson {
  /** null: calls of an account that was deleted. */
  userId: string | null;
  name: string;
  powerDialMs: number;
  standardMs: number;
}

export interface HourOfDayJson {
  hour: number;
  attempts: number;
  contacts: number;
}

export interface SurveyQuestionResultJson {
  questionId: string;
  text: string;
  answered: number;
  answers: { tag: string; label: string; count: number; percent: number | null }[];
}

/** Money in integer millicents (1/1000 cent) and as dollars rounded to the cent. */
export interface MoneyFiguresJson {
  chargedMillicents: number;
  /** Power-dialing leg time the cost per hour is over. */
  connectedMs: number;
  /** Numbers dialed the cost per 100 numbers is over. */
  phonesCalled: number;
  perHourMillicents: number | null;
  per100PhonesMillicents: number | null;
  charged: string;
  perHour: string | null;
  per100Phones: string | null;
}

export interface ProjectReportJson {
  project: { id: string; name: string; timeZone: string };
  range: ReportRangeJson & { timeZone: string; startsAt: string; endsBefore: string };
  generatedAt: string;
  calls: CallFiguresJson;
  /** Claims without an outcome (given back, or still open). */
  unfinishedClaims: number;
  /** All 24 local hours, in order. */
  byHourOfDay: HourOfDayJson[];
  survey: SurveyQuestionResultJson[];
  cost: { rateCentsPerMinute: number; project: MoneyFiguresJson; campaign: MoneyFiguresJson };
  volunteers: VolunteerFiguresJson[];
}

export interface VolunteerReportJson {
  range: ReportRangeJson;
  projectId: string | null;
  volunteers: VolunteerFiguresJson[];
}
