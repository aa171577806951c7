import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import type { ImportProgress, ImportResult } from './voter-import.command';

/**
 * Voter import jobs (issue 6): one row per CSV upload, its progress as the import reads the
 * file, then its result (counts, or the per-line error report with nothing imported). The row
 * is the truth, so any orchestrator instance can answer "how far is it"; the instance that runs
 * the import touches `updated_at` while it works, and a job in progress that stopped being
 * touched is reported as stopped.
 */

export type ImportJobPhase = 'waiting' | 'parsing' | 'merging' | 'done' | 'failed';

export interface ImportJobRow {
  id: string;
  fileName: string;
  totalBytes: number | null;
  phase: ImportJobPhase;
  rows: number;
  bytes: number;
  result: ImportResult | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface Raw {
  id: string;
  file_name: string;
  total_bytes: string | null;
  phase: ImportJobPhase;
  rows: number;
  bytes: string;
  result: ImportResult | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** A job in progress whose runner has not touched it for this long has stopped (crash, restart). */
export const IMPORT_JOB_STALE_MS = 60_000;

export const STOPPED_IMPORT_MESSAGE =
  'the import stopped before it finished (the server was restarted or lost the upload); ' +
  'upload the file again: importing the same file twice changes nothing';

const toRow = (r: Raw, now: Date): ImportJobRow => {
  const stale =
    (r.phase === 'parsing' || r.phase === 'merging') &&
    now.getTime() - r.updated_at.getTime() > IMPORT_JOB_STALE_MS;
  return {
    id: r.id,
    fileName: r.file_name,
    totalBytes: r.total_bytes === null ? null : Number(r.total_bytes),
    phase: stale ? 'failed' : r.phase,
    rows: r.rows,
    bytes: Number(r.bytes),
    result: r.result,
    error: stale ? STOPPED_IMPORT_MESSAGE : r.error,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
};

export async function createImportJob(
  db: Db,
  input: { campaignId: string; userId: string; fileName: string; totalBytes: number | null; now: Date },
): Promise<ImportJobRow> {
  const r = await one<Raw>(
    db,
    `INSERT INTO voter_imports (campaign_id, user_id, file_name, total_bytes, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
    [input.campaignId, input.userId, input.fileName, input.totalBytes, input.now],
  );
  return toRow(r!, input.now);
}

export async function getImportJob(db: Db, campaignId: string, id: string, now: Date): Promise<ImportJobRow> {
  const r = await one<Raw>(db, 'SELECT * FROM voter_imports WHERE id = $1 AND campaign_id = $2', [
    id,
    campaignId,
  ]);
  if (!r) throw new QueueError('NOT_FOUND', 'import not found');
  return toRow(r, now);
}

/** The campaign's latest imports, newest first (their error reports cut to the first 20 lines). */
export async function listImportJobs(
  db: Db,
  campaignId: string,
  now: Date,
  limit = 10,
): Promise<ImportJobRow[]> {
  const r = await rows<Raw>(
    db,
    `SELECT id, file_name, total_bytes, phase, rows, bytes, created_at, updated_at, finished_at, error,
       CASE WHEN result IS NULL THEN NULL
            ELSE jsonb_set(result, '{errors}', coalesce((SELECT jsonb_agg(e) FROM (
              SELECT e FROM jsonb_array_elements(result->'errors') WITH ORDINALITY x(e, i) WHERE i <= 20 ORDER BY i) y), '[]'))
       END AS result
     FROM voter_imports WHERE campaign_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [campaignId, limit],
  );
  return r.map((x) => toRow(x, now));
}

/**
 * Take the job for its upload: only a job still waiting for its file may start (compare-and-set),
 * so the same job cannot import twice.
 */
export async function startImportJob(db: Db, campaignId: string, id: string, now: Date): Promise<boolean> {
  const r = await rows(
    db,
    `WITH u AS (UPDATE voter_imports SET phase = 'parsing', updated_at = $3
       WHERE id = $1 AND campaign_id = $2 AND phase = 'waiting' RETURNING id) SELECT id FROM u`,
    [id, campaignId, now],
  );
  return r.length === 1;
}

/** Progress of a running job (and the runner's heartbeat). Never moves a finished job. */
export async function recordImportProgress(
  db: Db,
  id: string,
  progress: Pick<ImportProgress, 'rows' | 'bytes'> & { phase: 'parsing' | 'merging' },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE voter_imports SET phase = $2, rows = $3, bytes = $4, updated_at = $5
     WHERE id = $1 AND phase IN ('parsing', 'merging')`,
    [id, progress.phase, progress.rows, progress.bytes, now],
  );
}

export async function touchImportJob(db: Db, id: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE voter_imports SET updated_at = $2 WHERE id = $1 AND phase IN ('parsing', 'merging')`,
    [id, now],
  );
}

/** The job's end: the import's result (done, or failed with its error report), or why it broke. */
export async function finishImportJob(
  db: Db,
  id: string,
  outcome: { result: ImportResult; bytes: number } | { error: string },
  now: Date,
): Promise<void> {
  if ('result' in outcome) {
    await db.query(
      `UPDATE voter_imports SET phase = $2, rows = $3, bytes = $4, result = $5, updated_at = $6, finished_at = $6
       WHERE id = $1`,
      [
        id,
        outcome.result.ok ? 'done' : 'failed',
        outcome.result.rows,
        outcome.bytes,
        JSON.stringify(outcome.result),
        now,
      ],
    );
  } else {
    await db.query(
      `UPDATE voter_imports SET phase = 'failed', error = $2, updated_at = $3, finished_at = $3 WHERE id = $1`,
      [id, outcome.error, now],
    );
  }
}
