import { DataSource } from 'typeorm';
import type { CallOutcome, OutcomeEffects } from '@phonebank/domain';
import {
  OutcomeRuleError,
  decideOutcome,
  isInstallFlagged,
  requeueDecision,
  resolveQueuePolicy,
} from '@phonebank/domain';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import { enqueueTargets } from '../targeting/targeting.query';

export interface ApplyOutcomeInput {
  attemptId: string;
  outcome: CallOutcome;
  now: Date;
  /** Who recorded it (null when the engine detected it from the call). */
  userId?: string | null;
  wrongVoterIds?: string[];
  sipCause?: number | null;
  q850Cause?: number | null;
  durationSeconds?: number | null;
}

export interface ApplyOutcomeResult {
  /** false when this attempt already had this outcome: nothing changed. */
  applied: boolean;
  effects: OutcomeEffects | null;
  installFlagged: boolean;
}

interface AttemptRow {
  id: string;
  campaign_id: string;
  project_id: string;
  queue_entry_id: string;
  phone_id: string;
  e164: string;
  outcome: CallOutcome | null;
  wrong_voter_ids: string[] | null;
  released_at: Date | null;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db instanceof DataSource ? db.transaction((em) => work(em)) : work(db);
}

/**
 * Apply a call outcome with every effect of SPEC §3, in one transaction. Idempotent: the
 * same outcome of the same attempt applied again changes nothing; a different one is refused.
 */
export async function applyOutcome(db: Db, input: ApplyOutcomeInput): Promise<ApplyOutcomeResult> {
  return transaction(db, async (tx) => {
    const attempt = await one<AttemptRow>(
      tx,
      `SELECT id, campaign_id, project_id, queue_entry_id, phone_id, e164, outcome, wrong_voter_ids::text[] AS wrong_voter_ids, released_at
       FROM call_attempts WHERE id = $1 FOR UPDATE`,
      [input.attemptId],
    );
    if (!attempt) throw new QueueError('NOT_FOUND', 'call attempt not found');
    const wrongIds = (input.wrongVoterIds ?? []).map(String);
    if (attempt.outcome !== null) {
      if (
        attempt.outcome === input.outcome &&
        sameSet(attempt.wrong_voter_ids ?? [], input.outcome === 'wrong_number' ? wrongIds : [])
      ) {
        return { applied: false, effects: null, installFlagged: false };
      }
      throw new QueueError('OUTCOME_CONFLICT', `attempt already has outcome ${attempt.outcome}`);
    }
    if (attempt.released_at) throw new QueueError('LEASE_LOST', 'the phone of this attempt was given back');
    const phone = await one<{ attempts: number; status: string }>(
      tx,
      'SELECT attempts, status FROM phones WHERE id = $1 FOR UPDATE',
      [attempt.phone_id],
    );
    const entry = await one<{ current_attempt_id: string | null }>(
      tx,
      'SELECT current_attempt_id FROM queue_entries WHERE id = $1',
      [attempt.queue_entry_id],
    );
    if (entry?.current_attempt_id !== attempt.id) {
      throw new QueueError('LEASE_LOST', 'the lease on this phone expired and it was handed to someone else');
    }
    const household = await rows<{ voter_id: string }>(
      tx,
      'SELECT voter_id FROM voter_phones WHERE phone_id = $1',
      [attempt.phone_id],
    );
    let effects: OutcomeEffects;
    try {
      effects = decideOutcome({
        outcome: input.outcome,
        now: input.now,
        attemptsBefore: phone!.attempts,
        householdVoterIds: household.map((h) => String(h.voter_id)),
        wrongVoterIds: wrongIds,
      });
    } catch (err) {
      if (err instanceof OutcomeRuleError) throw new QueueError('INVALID_OUTCOME', err.message);
      throw err;
    }

    // The lease ends with the outcome, whatever it is.
    await tx.query(
      `UPDATE queue_entries SET claimed_by = NULL, lease_expires_at = '-infinity', current_attempt_id = NULL
       WHERE id = $1 AND current_attempt_id = $2`,
      [attempt.queue_entry_id, attempt.id],
    );
    await tx.query(`UPDATE phones SET lease_expires_at = '-infinity' WHERE id = $1`, [attempt.phone_id]);

    if (effects.phoneStatus) {
      // DNC is never downgraded by a later outcome.
      await tx.query(
        `UPDATE phones SET status = CASE WHEN status = 'dnc' THEN status ELSE $2::phone_status END, status_at = $3 WHERE id = $1`,
        [attempt.phone_id, effects.phoneStatus, input.now],
      );
    }
    if (effects.closeAllQueues) await closeEntries(tx, attempt.phone_id, effects.closeAllQueues, input.now);

    if (effects.wrongVoterIds.length > 0) {
      await tx.query(
        `UPDATE voter_phones SET wrong_number = true, wrong_marked_at = $3, wrong_marked_by = $4
         WHERE phone_id = $1 AND voter_id = ANY($2::bigint[]) AND NOT wrong_number`,
        [attempt.phone_id, effects.wrongVoterIds, input.now, input.userId ?? null],
      );
      // Leave every project where all targeted voters on this phone are now wrong.
      await tx.query(
        `UPDATE queue_entries q SET state = 'done', exit_reason = 'wrong_number', exited_at = $2
         WHERE q.phone_id = $1 AND q.state = 'queued'
           AND NOT EXISTS (SELECT 1 FROM project_targets t
                           JOIN voter_phones vp ON vp.voter_id = t.voter_id AND vp.phone_id = t.phone_id
                           WHERE t.project_id = q.project_id AND t.phone_id = q.phone_id AND NOT vp.wrong_number)`,
        [attempt.phone_id, input.now],
      );
      await queueOtherNumbers(tx, attempt.phone_id, effects.wrongVoterIds, input.now);
    }

    if (effects.countsAsAttempt) {
      await tx.query('UPDATE phones SET attempts = $2, last_attempt_at = $3 WHERE id = $1', [
        attempt.phone_id,
        effects.attemptsAfter,
        input.now,
      ]);
      await requeueEverywhere(tx, attempt.phone_id, effects.attemptsAfter, input.now);
    }

    if (effects.addToCampaignDnc) {
      // Joins the campaign's list with who recorded it, and the change is audited like staff's (issue 6).
      await tx.query(
        `WITH listed AS (
           INSERT INTO campaign_dnc (campaign_id, e164, source, reason, added_by, added_at)
           VALUES ($1, $2, 'outcome', 'call outcome: do not call', $4, $3) ON CONFLICT DO NOTHING RETURNING e164
         )
         INSERT INTO dnc_audit (campaign_id, e164, action, source, reason, user_id, user_name, created_at)
         SELECT $1, listed.e164, 'add', 'outcome', 'call outcome: do not call', $4, (SELECT name FROM users WHERE id = $4), $3
         FROM listed`,
        [attempt.campaign_id, attempt.e164, input.now, input.userId ?? null],
      );
    }
    let installFlagged = false;
    if (effects.installMark)
      installFlagged = await markNumber(
        tx,
        attempt.campaign_id,
        attempt.e164,
        effects.installMark,
        input.now,
      );

    await tx.query(
      `UPDATE call_attempts SET outcome = $2, outcome_at = $3, outcome_by = $4, wrong_voter_ids = $5::bigint[],
         sip_cause = coalesce($6, sip_cause), q850_cause = coalesce($7, q850_cause),
         duration_seconds = coalesce($8, duration_seconds), ended_at = coalesce(ended_at, $3)
       WHERE id = $1`,
      [
        attempt.id,
        input.outcome,
        input.now,
        input.userId ?? null,
        input.outcome === 'wrong_number' ? effects.wrongVoterIds : null,
        input.sipCause ?? null,
        input.q850Cause ?? null,
        input.durationSeconds ?? null,
      ],
    );
    return { applied: true, effects, installFlagged };
  });
}

async function closeEntries(tx: Db, phoneId: string, reason: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE queue_entries SET state = 'done', exit_reason = $2, exited_at = $3,
       claimed_by = NULL, lease_expires_at = '-infinity', current_attempt_id = NULL
     WHERE phone_id = $1 AND state = 'queued'`,
    [phoneId, reason, now],
  );
}

/** Attempt counted in every project: back to the end of each queue after its delay, or out at its limit. */
async function requeueEverywhere(tx: Db, phoneId: string, attemptsAfter: number, now: Date): Promise<void> {
  const entries = await rows<{
    id: string;
    attempt_limit: number | null;
    requeue_delay_minutes: number | null;
    default_attempt_limit: number;
    default_requeue_delay_minutes: number;
  }>(
    tx,
    `SELECT q.id, p.attempt_limit, p.requeue_delay_minutes, c.default_attempt_limit, c.default_requeue_delay_minutes
     FROM queue_entries q JOIN projects p ON p.id = q.project_id JOIN campaigns c ON c.id = p.campaign_id
     WHERE q.phone_id = $1 AND q.state = 'queued'`,
    [phoneId],
  );
  if (entries.length === 0) return;
  const ids: string[] = [];
  const close: boolean[] = [];
  const eligible: (Date | null)[] = [];
  for (const e of entries) {
    const policy = resolveQueuePolicy(
      { attemptLimit: e.default_attempt_limit, requeueDelayMinutes: e.default_requeue_delay_minutes },
      { attemptLimit: e.attempt_limit, requeueDelayMinutes: e.requeue_delay_minutes },
    );
    const d = requeueDecision(attemptsAfter, policy, now);
    ids.push(e.id);
    close.push(d.close);
    eligible.push(d.close ? null : d.nextEligibleAt);
  }
  await tx.query(
    `UPDATE queue_entries q SET attempts = $2,
       state = CASE WHEN x.close THEN 'done'::queue_state ELSE 'queued'::queue_state END,
       exit_reason = CASE WHEN x.close THEN 'attempt_limit' ELSE NULL END,
       exited_at = CASE WHEN x.close THEN $3::timestamptz ELSE NULL END,
       queued_at = CASE WHEN x.close THEN q.queued_at ELSE $3::timestamptz END,
       next_eligible_at = coalesce(x.eligible, q.next_eligible_at)
     FROM (SELECT unnest($1::bigint[]) AS id, unnest($4::boolean[]) AS close, unnest($5::timestamptz[]) AS eligible) x
     WHERE q.id = x.id`,
    [ids, attemptsAfter, now, close, eligible],
  );
}

/** A voter flagged wrong on one number may be called on their next best number, in the same projects. */
async function queueOtherNumbers(tx: Db, phoneId: string, voterIds: string[], now: Date): Promise<void> {
  const added = await rows<{ project_id: string; phone_id: string }>(
    tx,
    `WITH proj AS (
       SELECT DISTINCT t.project_id, t.voter_id FROM project_targets t
       WHERE t.phone_id = $1 AND t.voter_id = ANY($2::bigint[])
     ), best AS (
       SELECT DISTINCT ON (proj.project_id, proj.voter_id) proj.project_id, proj.voter_id, p.id AS phone_id
       FROM proj
       JOIN voter_phones vp ON vp.voter_id = proj.voter_id AND NOT vp.wrong_number AND vp.phone_id <> $1
       JOIN phones p ON p.id = vp.phone_id AND p.status = 'active'
       WHERE NOT EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = p.campaign_id AND d.e164 = p.e164)
         AND NOT EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164)
         AND NOT EXISTS (SELECT 1 FROM project_targets t2
                         WHERE t2.project_id = proj.project_id AND t2.voter_id = proj.voter_id AND t2.phone_id = p.id)
       ORDER BY proj.project_id, proj.voter_id, p.accuracy_score DESC, p.id
     )
     INSERT INTO project_targets (project_id, phone_id, voter_id)
     SELECT project_id, phone_id, voter_id FROM best ON CONFLICT DO NOTHING
     RETURNING project_id, phone_id`,
    [phoneId, voterIds],
  );
  const byProject = new Map<string, string[]>();
  for (const a of added)
    byProject.set(a.project_id, [...(byProject.get(a.project_id) ?? []), String(a.phone_id)]);
  for (const [projectId, phones] of byProject) await enqueueTargets(tx, projectId, now, phones);
}

/** Record a campaign's DNC/wrong mark; at 3+ campaigns the number is flagged on the whole install. */
async function markNumber(
  tx: Db,
  campaignId: string,
  e164: string,
  kind: 'dnc' | 'wrong',
  now: Date,
): Promise<boolean> {
  await tx.query(
    `INSERT INTO number_marks (e164, campaign_id, kind, marked_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [e164, campaignId, kind, now],
  );
  const r = await one<{ n: number }>(
    tx,
    'SELECT count(DISTINCT campaign_id)::int AS n FROM number_marks WHERE e164 = $1',
    [e164],
  );
  if (!isInstallFlagged(r!.n)) return false;
  await tx.query(
    `INSERT INTO install_flags (e164, campaign_count, flagged_at) VALUES ($1, $2, $3)
     ON CONFLICT (e164) DO UPDATE SET campaign_count = EXCLUDED.campaign_count`,
    [e164, r!.n, now],
  );
  await tx.query(
    `UPDATE queue_entries q SET state = 'done', exit_reason = 'install_flag', exited_at = $2
     FROM phones p WHERE p.id = q.phone_id AND p.e164 = $1 AND q.state = 'queued'
       AND q.current_attempt_id IS NULL`,
    [e164, now],
  );
  return true;
}
