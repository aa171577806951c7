import type { CallerIdVerificationFailure, CallerIdVerificationStage } from '@phonebank/domain';
import type { Db } from '../sql';
import { one, returned, rows } from '../sql';
import { invalidateClaimCache } from '../queue/claim-context';

/** A project's caller ID as the power dialer reads it (projects.caller_id / caller_id_verified_at). */
export interface ProjectCallerId {
  callerId: string | null;
  verifiedAt: Date | null;
}

export interface VerifiedCallerId {
  e164: string;
  verifiedAt: Date;
}

export interface CallerIdVerificationRow {
  id: string;
  campaignId: string;
  projectId: string;
  callerId: string;
  /** Only while the call runs. */
  code: string | null;
  stage: CallerIdVerificationStage;
  stageEnteredAt: Date;
  failure: CallerIdVerificationFailure | null;
  wrongTries: number;
  maxTries: number;
  createdAt: Date;
  finishedAt: Date | null;
}

interface RawVerification {
  id: string;
  campaign_id: string;
  project_id: string;
  caller_id: string;
  code: string | null;
  stage: CallerIdVerificationStage;
  stage_entered_at: Date;
  failure: CallerIdVerificationFailure | null;
  wrong_tries: number;
  max_tries: number;
  created_at: Date;
  finished_at: Date | null;
}

const toVerification = (r: RawVerification): CallerIdVerificationRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  projectId: r.project_id,
  callerId: r.caller_id,
  code: r.code,
  stage: r.stage,
  stageEnteredAt: r.stage_entered_at,
  failure: r.failure,
  wrongTries: r.wrong_tries,
  maxTries: r.max_tries,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const FINISHED = new Set<CallerIdVerificationStage>(['verified', 'failed']);

/** The project's caller ID, only within the campaign (undefined: no such project there). */
export async function projectCallerId(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<ProjectCallerId | undefined> {
  const r = await one<{ caller_id: string | null; caller_id_verified_at: Date | null }>(
    db,
    `SELECT caller_id, caller_id_verified_at FROM projects WHERE id = $1 AND campaign_id = $2 AND archived_at IS NULL`,
    [projectId, campaignId],
  );
  return r && { callerId: r.caller_id, verifiedAt: r.caller_id_verified_at };
}

/** Numbers the campaign has proven it answers, newest first. */
export async function listVerifiedCallerIds(db: Db, campaignId: string): Promise<VerifiedCallerId[]> {
  const r = await rows<{ e164: string; verified_at: Date }>(
    db,
    `SELECT e164, verified_at FROM verified_caller_ids WHERE campaign_id = $1 ORDER BY verified_at DESC`,
    [campaignId],
  );
  return r.map((x) => ({ e164: x.e164, verifiedAt: x.verified_at }));
}

/**
 * Give the project a caller ID the campaign already verified: verified at once, no call.
 * False when the campaign never verified that number (or the project is not the campaign's).
 */
export async function useVerifiedCallerId(
  db: Db,
  campaignId: string,
  projectId: string,
  e164: string,
  now: Date,
): Promise<boolean> {
  const r = await returned(
    db,
    `UPDATE projects p SET caller_id = $3, caller_id_verified_at = $4
     WHERE p.id = $2 AND p.campaign_id = $1 AND p.archived_at IS NULL
       AND EXISTS (SELECT 1 FROM verified_caller_ids v WHERE v.campaign_id = $1 AND v.e164 = $3)
     RETURNING p.id`,
    [campaignId, projectId, e164, now],
  );
  if (r.length > 0) invalidateClaimCache(db);
  return r.length > 0;
}

/** The verification call running for a project, if any. */
export async function runningCallerIdVerification(
  db: Db,
  projectId: string,
): Promise<CallerIdVerificationRow | undefined> {
  const r = await one<RawVerification>(
    db,
    `SELECT * FROM caller_id_verifications WHERE project_id = $1 AND finished_at IS NULL`,
    [projectId],
  );
  return r && toVerification(r);
}

/** The project's latest verification call (running or not), within the campaign. */
export async function latestCallerIdVerification(
  db: Db,
  campaignId: string,
  projectId: string,
): Promise<CallerIdVerificationRow | undefined> {
  const r = await one<RawVerification>(
    db,
    `SELECT * FROM caller_id_verifications WHERE project_id = $1 AND campaign_id = $2 ORDER BY created_at DESC LIMIT 1`,
    [projectId, campaignId],
  );
  return r && toVerification(r);
}

export interface NewCallerIdVerification {
  id: string;
  campaignId: string;
  projectId: string;
  callerId: string;
  code: string;
  maxTries: number;
  requestedBy: string | null;
  now: Date;
}

/**
 * Record a new verification call and make its number the project's caller ID. A new number
 * is unverified until the call proves it (power dialing refuses it meanwhile); verifying the
 * number the project already has keeps it usable. Undefined when the project is not the
 * campaign's; throws a unique violation (23505) when a verification already runs for it.
 */
export async function insertCallerIdVerification(
  db: Db,
  v: NewCallerIdVerification,
): Promise<CallerIdVerificationRow | undefined> {
  const updated = await returned(
    db,
    `UPDATE projects SET caller_id = $3,
       caller_id_verified_at = CASE WHEN caller_id IS DISTINCT FROM $3 THEN NULL ELSE caller_id_verified_at END
     WHERE id = $2 AND campaign_id = $1 AND archived_at IS NULL RETURNING id`,
    [v.campaignId, v.projectId, v.callerId],
  );
  if (updated.length === 0) return undefined;
  invalidateClaimCache(db);
  const r = await one<RawVerification>(
    db,
    `INSERT INTO caller_id_verifications (id, campaign_id, project_id, caller_id, code, stage, stage_entered_at,
       max_tries, requested_by, created_at)
     VALUES ($1, $2, $3, $4, $5, 'calling', $6, $7, $8, $6) RETURNING *`,
    [v.id, v.campaignId, v.projectId, v.callerId, v.code, v.now, v.maxTries, v.requestedBy],
  );
  return toVerification(r!);
}

/**
 * Save a verification's new stage, compare-and-set on the stage it was read in: false when
 * another writer moved it first (then the caller's view is stale and nothing is written).
 */
export async function saveCallerIdVerification(
  db: Db,
  id: string,
  fromStage: CallerIdVerificationStage,
  next: {
    stage: CallerIdVerificationStage;
    stageEnteredAt: Date;
    failure: CallerIdVerificationFailure | null;
    wrongTries: number;
  },
): Promise<boolean> {
  const finished = FINISHED.has(next.stage);
  const r = await returned(
    db,
    `UPDATE caller_id_verifications SET stage = $3, stage_entered_at = $4, failure = $5, wrong_tries = $6,
       code = CASE WHEN $7::boolean THEN NULL ELSE code END,
       finished_at = CASE WHEN $7::boolean THEN coalesce(finished_at, $4) ELSE NULL END
     WHERE id = $1 AND stage = $2 RETURNING id`,
    [id, fromStage, next.stage, next.stageEnteredAt, next.failure, next.wrongTries, finished],
  );
  return r.length > 0;
}

/**
 * The number answered and the code was typed: the campaign keeps it as verified, and the
 * project is verified if its caller ID is still that number (staff may have changed it since).
 */
export async function markCallerIdVerified(
  db: Db,
  v: { campaignId: string; projectId: string; callerId: string; userId: string | null; now: Date },
): Promise<{ projectVerified: boolean }> {
  await db.query(
    `INSERT INTO verified_caller_ids (campaign_id, e164, verified_at, verified_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (campaign_id, e164) DO UPDATE SET verified_at = EXCLUDED.verified_at, verified_by = EXCLUDED.verified_by`,
    [v.campaignId, v.callerId, v.now, v.userId],
  );
  const r = await returned(
    db,
    `UPDATE projects SET caller_id_verified_at = $4 WHERE id = $2 AND campaign_id = $1 AND caller_id = $3 RETURNING id`,
    [v.campaignId, v.projectId, v.callerId, v.now],
  );
  if (r.length > 0) invalidateClaimCache(db);
  return { projectVerified: r.length > 0 };
}

/** At boot: calls a previous run left running cannot be followed; they end as interrupted. */
export async function interruptRunningCallerIdVerifications(db: Db, now: Date): Promise<number> {
  const r = await returned(
    db,
    `UPDATE caller_id_verifications SET stage = 'failed', failure = 'interrupted', stage_entered_at = $1,
       finished_at = $1, code = NULL
     WHERE finished_at IS NULL RETURNING id`,
    [now],
  );
  return r.length;
}
