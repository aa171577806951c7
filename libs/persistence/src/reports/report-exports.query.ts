import { csvLine, type CsvValue } from '@phonebank/domain';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import { bounds, parseRange } from './report-range';

/**
 * The CSV exports of a project's results (issue 6): one row per call attempt, and one row per
 * survey answer, over whole local days of the project. Read in pages of `pageSize` rows by
 * keyset (never OFFSET, never the whole result in memory), written with `csvLine` (RFC 4180
 * quoting, formula-injection guard). Times are the project's local time, named in a column.
 */

export interface ExportRequest {
  campaignId: string;
  projectId: string;
  from: string;
  to: string;
  pageSize?: number;
}

export interface CsvExport {
  fileName: string;
  /** The lines, header first, each ending in CRLF; the first one starts with a UTF-8 BOM for spreadsheets. */
  lines: AsyncIterable<string>;
}

interface Head {
  name: string;
  time_zone: string;
  lo: Date;
  hi: Date;
}

async function exportHead(db: Db, req: ExportRequest): Promise<Head> {
  const range = parseRange(req.from, req.to);
  const head = await one<Head>(
    db,
    `SELECT p.name, p.time_zone, r.lo, r.hi FROM projects p CROSS JOIN LATERAL (SELECT ${bounds('$3', '$4')}) r
     WHERE p.id = $1 AND p.campaign_id = $2`,
    [req.projectId, req.campaignId, range.from, range.to],
  );
  if (!head) throw new QueueError('NOT_FOUND', 'project not found');
  return head;
}

const fileName = (head: Head, kind: string, req: ExportRequest): string =>
  `${head.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'project'}-${kind}-${req.from}-to-${req.to}.csv`;

const localTime = (column: string): string =>
  `to_char(${column} AT TIME ZONE p.time_zone, 'YYYY-MM-DD HH24:MI:SS')`;

export const RESULTS_CSV_HEADER = [
  'attempt_id',
  'claimed_at',
  'dial_started_at',
  'answered_at',
  'ended_at',
  'outcome_at',
  'time_zone',
  'phone',
  'voter_ids',
  'voters',
  'outcome',
  'wrong_number_voter_ids',
  'volunteer',
  'mode',
  'session_id',
  'duration_seconds',
  'sip_cause',
  'q850_cause',
] as const;

interface ResultRow {
  id: string;
  claimed_at_key: Date;
  claimed_at: string;
  dial_started_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  outcome_at: string | null;
  time_zone: string;
  e164: string;
  voter_ids: string | null;
  voters: string | null;
  outcome: string | null;
  wrong_ids: string | null;
  volunteer: string | null;
  mode: string;
  session_id: string | null;
  duration_seconds: number | null;
  sip_cause: number | null;
  q850_cause: number | null;
}

/** One row per call attempt claimed in the range (unfinished claims too, with an empty outcome). */
export async function projectResultsCsv(db: Db, req: ExportRequest): Promise<CsvExport> {
  const head = await exportHead(db, req);
  const pageSize = req.pageSize ?? 1000;
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine([...RESULTS_CSV_HEADER])}`;
    let after: [Date, string] | null = null;
    for (;;) {
      const page: ResultRow[] = await rows<ResultRow>(
        db,
        `SELECT a.id, a.claimed_at AS claimed_at_key, ${localTime('a.claimed_at')} AS claimed_at,
                ${localTime('a.dial_started_at')} AS dial_started_at, ${localTime('a.answered_at')} AS answered_at,
                ${localTime('a.ended_at')} AS ended_at, ${localTime('a.outcome_at')} AS outcome_at,
                p.time_zone, a.e164, t.voter_ids, t.voters, a.outcome::text AS outcome,
                (SELECT string_agg(v.external_id, '; ' ORDER BY v.external_id) FROM voters v
                   WHERE v.id = ANY(a.wrong_voter_ids)) AS wrong_ids,
                coalesce(nullif(u.name, ''), u.email) AS volunteer,
                CASE WHEN d.id IS NULL THEN 'standard' ELSE 'power-dial' END AS mode,
                a.session_id, a.duration_seconds, a.sip_cause, a.q850_cause
         FROM call_attempts a
         JOIN projects p ON p.id = a.project_id
         LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN dial_sessions d ON d.id = a.session_id
         LEFT JOIN LATERAL (
           SELECT string_agg(v.external_id, '; ' ORDER BY v.last_name, v.first_name, v.id) AS voter_ids,
                  string_agg(concat_ws(' ', v.first_name, v.last_name), '; ' ORDER BY v.last_name, v.first_name, v.id) AS voters
           FROM project_targets pt JOIN voters v ON v.id = pt.voter_id
           WHERE pt.project_id = a.project_id AND pt.phone_id = a.phone_id
         ) t ON true
         WHERE a.project_id = $1 AND a.claimed_at >= $2 AND a.claimed_at < $3
           AND ($4::timestamptz IS NULL OR (a.claimed_at, a.id) > ($4::timestamptz, $5::uuid))
         ORDER BY a.claimed_at, a.id
         LIMIT $6`,
        [req.projectId, head.lo, head.hi, after?.[0] ?? null, after?.[1] ?? null, pageSize],
      );
      for (const r of page) {
        const values: CsvValue[] = [
          r.id,
          r.claimed_at,
          r.dial_started_at,
          r.answered_at,
          r.ended_at,
          r.outcome_at,
          r.time_zone,
          r.e164,
          r.voter_ids,
          r.voters,
          r.outcome,
          r.wrong_ids,
          r.volunteer,
          r.mode,
          r.session_id,
          r.duration_seconds,
          r.sip_cause,
          r.q850_cause,
        ];
        yield csvLine(values);
      }
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = [last.claimed_at_key, last.id];
    }
  }
  return { fileName: fileName(head, 'results', req), lines: lines() };
}

export const SURVEY_CSV_HEADER = [
  'answered_at',
  'time_zone',
  'attempt_id',
  'phone',
  'voter_id',
  'voter',
  'question_id',
  'question',
  'answer_tag',
  'answer',
  'volunteer',
] as const;

interface AnswerRow {
  answered_at_key: Date;
  answered_at: string;
  time_zone: string;
  attempt_id: string;
  e164: string;
  voter_key: string;
  voter_id: string;
  voter: string;
  question_id: string;
  question: string | null;
  answer_tag: string;
  answer: string | null;
  volunteer: string | null;
}

/** One row per survey answer recorded on a call attempt claimed in the range. */
export async function projectSurveyCsv(db: Db, req: ExportRequest): Promise<CsvExport> {
  const head = await exportHead(db, req);
  const pageSize = req.pageSize ?? 1000;
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine([...SURVEY_CSV_HEADER])}`;
    let after: [Date, string, string, string] | null = null;
    for (;;) {
      const page: AnswerRow[] = await rows<AnswerRow>(
        db,
        `SELECT s.answered_at AS answered_at_key, ${localTime('s.answered_at')} AS answered_at, p.time_zone,
                s.attempt_id, a.e164, s.voter_id::text AS voter_key, v.external_id AS voter_id,
                concat_ws(' ', v.first_name, v.last_name) AS voter, s.question_id, q.text AS question,
                s.answer_tag, q.label AS answer, coalesce(nullif(u.name, ''), u.email) AS volunteer
         FROM survey_answers s
         JOIN call_attempts a ON a.id = s.attempt_id
         JOIN projects p ON p.id = a.project_id
         JOIN voters v ON v.id = s.voter_id
         LEFT JOIN users u ON u.id = s.user_id
         LEFT JOIN LATERAL (
           SELECT qq->>'text' AS text,
                  (SELECT x->>'label' FROM jsonb_array_elements(qq->'answers') x WHERE x->>'tag' = s.answer_tag LIMIT 1) AS label
           FROM jsonb_array_elements(p.survey_questions) qq WHERE qq->>'id' = s.question_id LIMIT 1
         ) q ON true
         WHERE a.project_id = $1 AND a.claimed_at >= $2 AND a.claimed_at < $3
           AND ($4::timestamptz IS NULL
                OR (s.answered_at, s.attempt_id, s.voter_id, s.question_id) > ($4::timestamptz, $5::uuid, $6::bigint, $7::text))
         ORDER BY s.answered_at, s.attempt_id, s.voter_id, s.question_id
         LIMIT $8`,
        [
          req.projectId,
          head.lo,
          head.hi,
          after?.[0] ?? null,
          after?.[1] ?? null,
          after?.[2] ?? null,
          after?.[3] ?? null,
          pageSize,
        ],
      );
      for (const r of page) {
        yield csvLine([
          r.answered_at,
          r.time_zone,
          r.attempt_id,
          r.e164,
          r.voter_id,
          r.voter,
          r.question_id,
          r.question,
          r.answer_tag,
          r.answer,
          r.volunteer,
        ]);
      }
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = [last.answered_at_key, last.attempt_id, last.voter_key, last.question_id];
    }
  }
  return { fileName: fileName(head, 'survey', req), lines: lines() };
}
