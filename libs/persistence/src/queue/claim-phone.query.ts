import { DataSource } from 'typeorm';
import { birthdayKeysOn, isProjectOpen, nextOpening } from '@phonebank/domain';
import type { Db } from '../sql';
import { KeyedBatcher, perOwner } from '../batcher';
import { one, rows } from '../sql';
import { claimContext } from './claim-context';

export interface ClaimRequest {
  projectId: string;
  userId: string;
  leaseSeconds: number;
  now: Date;
  sessionId?: string | null;
  /**
   * The id the attempt row gets (default: a new one). The dialer chooses it before claiming so
   * that the call's trunk line can be taken under the same id meanwhile.
   */
  attemptId?: string;
}

export interface VoterProfile {
  id: string;
  externalId: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  birthday: string | null;
  timeZone: string | null;
  tags: string[];
  notes: string | null;
  targeted: boolean;
  wrongNumber: boolean;
}

export interface PhoneClaim {
  attemptId: string;
  queueEntryId: string;
  projectId: string;
  leaseExpiresAt: Date;
  phone: { id: string; e164: string; accuracyScore: number; lineType: string; attempts: number };
  /** Targeted voters first, then the rest of the household. */
  voters: VoterProfile[];
}

export type ClaimResult =
  { kind: 'claimed'; claim: PhoneClaim } | { kind: 'closed'; nextOpening: Date | null } | { kind: 'empty' };

/**
 * The voters on a phone (`vp.phone_id` filtered by the caller), with `targeted` for project $1
 * and birthday keys $3 (birthday mode) or $6 inside the claim.
 */
const householdSelect = (projectParam: string, keysParam: string): string => `
  SELECT v.id, v.external_id, v.first_name, v.middle_name, v.last_name, v.address_line1, v.address_line2, v.city,
         trim(v.state) AS state, v.zip, to_char(v.birthday, 'YYYY-MM-DD') AS birthday, v.time_zone, v.tags, v.notes,
         vp.wrong_number,
         (EXISTS (SELECT 1 FROM project_targets t WHERE t.project_id = ${projectParam} AND t.phone_id = vp.phone_id AND t.voter_id = v.id)
          AND (${keysParam}::smallint[] IS NULL
               OR (extract(month FROM v.birthday) * 100 + extract(day FROM v.birthday))::smallint = ANY(${keysParam}::smallint[]))
         ) AS targeted
  FROM voter_phones vp JOIN voters v ON v.id = vp.voter_id`;
const HOUSEHOLD_SELECT = householdSelect('$1', '$6');

/**
 * The phone (`p`) of a queue entry (`q`) may be called: active, not on the campaign's DNC list,
 * not flagged install-wide. The claim picks only such phones; a phone claimed ahead is checked
 * again at the click (confirmClaimAhead).
 */
const PHONE_CALLABLE = `p.status = 'active'
    AND NOT EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = q.campaign_id AND d.e164 = p.e164)
    AND NOT EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164)`;

/** One source of candidates for the claim (`held`: entries under a lease, found once it expired). */
const claimBranch = (held: boolean): string => `
  SELECT q.id, q.phone_id, q.campaign_id, p.e164, q.attempts, q.accuracy_score, q.queued_at
  FROM queue_entries q
  JOIN phones p ON p.id = q.phone_id
  WHERE q.project_id = $1
    AND q.state = 'queued'
    AND q.current_attempt_id IS ${held ? 'NOT NULL' : 'NULL'}
    AND q.lease_expires_at < $3
    AND q.next_eligible_at <= $3
    AND q.calling_zone_id = ANY($4::int[])
    AND q.attempts < $5
    AND ($6::smallint[] IS NULL OR q.birthday_keys && $6::smallint[])
    AND p.lease_expires_at < $3
    AND ${PHONE_CALLABLE}
  ORDER BY q.attempts, q.accuracy_score DESC, q.queued_at, q.id
  LIMIT $9
  FOR UPDATE OF q, p SKIP LOCKED`;

/**
 * The claim, one statement for one or several volunteers of the same project (the requests:
 * arrays $2 user ids, $7 session ids, $8 lease seconds, $10 claim instants, $11 attempt ids or
 * nulls, in arrival order;
 * $9 = how many; $3 = the earliest of the instants, so nothing is handed out before it may be).
 *
 * It walks the project's queue in hand-out order (fewest attempts first, so a requeued phone
 * goes behind the fresh ones; then best accuracy score; then the longest waiting), skips what
 * may not be called now, locks the entries and their phones with SKIP LOCKED (so concurrent
 * claimers never wait on, nor share, a phone), and records the lease on both plus a call
 * attempt per request: the first request gets the best phone, the second the next, and so on.
 * The same statement returns each household for the call screen, so a claim is a single round
 * trip (its own transaction unless the caller has one).
 *
 * Candidates come from two partial indexes: the entries no one holds
 * (`queue_entries_claim_free_idx`, walked in hand-out order, so a claimer never steps over
 * the phones others hold) and the held entries whose lease has expired
 * (`queue_entries_claim_held_idx`, by expiry). The best of both in hand-out order win
 * (the others, if any, are only locked for the instant of this statement).
 */
export const CLAIM_SQL = `
WITH free AS MATERIALIZED (${claimBranch(false)}
), held AS MATERIALIZED (${claimBranch(true)}
), pick AS (
  SELECT c.id, c.phone_id, c.campaign_id, c.e164,
         row_number() OVER (ORDER BY c.attempts, c.accuracy_score DESC, c.queued_at, c.id) AS ord
  FROM (SELECT * FROM free UNION ALL SELECT * FROM held) c
  ORDER BY c.attempts, c.accuracy_score DESC, c.queued_at, c.id
  LIMIT $9
), req AS (
  SELECT r.user_id, r.session_id, r.lease_seconds, r.claimed_at, r.attempt_id, r.ord
  FROM unnest($2::uuid[], $7::uuid[], $8::int[], $10::timestamptz[], $11::uuid[])
       WITH ORDINALITY AS r(user_id, session_id, lease_seconds, claimed_at, attempt_id, ord)
), attempt AS (
  INSERT INTO call_attempts (id, campaign_id, project_id, queue_entry_id, phone_id, e164, user_id, session_id, claimed_at, lease_expires_at)
  SELECT coalesce(req.attempt_id, gen_random_uuid()), pick.campaign_id, $1, pick.id, pick.phone_id, pick.e164, req.user_id, req.session_id, req.claimed_at,
         req.claimed_at + make_interval(secs => req.lease_seconds)
  FROM pick JOIN req ON req.ord = pick.ord
  RETURNING id, queue_entry_id, phone_id, user_id, claimed_at, lease_expires_at
), lease_phone AS (
  UPDATE phones p SET lease_expires_at = attempt.lease_expires_at FROM attempt WHERE p.id = attempt.phone_id
  RETURNING p.id, p.e164, p.accuracy_score, p.line_type, p.attempts
), lease_entry AS (
  UPDATE queue_entries q
  SET claimed_by = attempt.user_id, claimed_at = attempt.claimed_at, lease_expires_at = attempt.lease_expires_at,
      current_attempt_id = attempt.id
  FROM attempt WHERE q.id = attempt.queue_entry_id
  RETURNING q.id
), household AS (
  SELECT a.id AS attempt_id,
         coalesce(json_agg(json_build_object(
           'id', h.id::text, 'external_id', h.external_id, 'first_name', h.first_name, 'middle_name', h.middle_name,
           'last_name', h.last_name, 'address_line1', h.address_line1, 'address_line2', h.address_line2, 'city', h.city,
           'state', h.state, 'zip', h.zip, 'birthday', h.birthday, 'time_zone', h.time_zone, 'tags', h.tags, 'notes', h.notes,
           'wrong_number', h.wrong_number, 'targeted', h.targeted)
         ORDER BY h.targeted DESC, h.last_name, h.first_name, h.id) FILTER (WHERE h.id IS NOT NULL), '[]'::json) AS voters
  FROM attempt a
  LEFT JOIN LATERAL (${HOUSEHOLD_SELECT} WHERE vp.phone_id = a.phone_id) h ON true
  GROUP BY a.id
)
SELECT pick.ord, attempt.id AS attempt_id, attempt.queue_entry_id, attempt.lease_expires_at,
       lease_phone.id AS phone_id, lease_phone.e164, lease_phone.accuracy_score, lease_phone.line_type, lease_phone.attempts,
       household.voters,
       -- A claim commits without waiting for the WAL flush: if the database crashed right after, the lease would
       -- simply not exist and the phone would still be queued, which is harmless. Outcomes keep full durability.
       set_config('synchronous_commit', 'off', true) AS commit_mode
FROM attempt
JOIN pick ON pick.id = attempt.queue_entry_id
JOIN lease_phone ON lease_phone.id = attempt.phone_id
JOIN lease_entry ON lease_entry.id = attempt.queue_entry_id
JOIN household ON household.attempt_id = attempt.id
ORDER BY pick.ord`;

interface ClaimRow {
  ord: string;
  attempt_id: string;
  queue_entry_id: string;
  lease_expires_at: Date;
  phone_id: string;
  e164: string;
  accuracy_score: number;
  line_type: string;
  attempts: number;
  voters: ProfileRow[];
}

/** What a claim needs besides the request: the project's settings and the zones open now. */
interface PreparedClaim {
  projectId: string;
  /** Requests with the same key may share one statement. */
  key: string;
  openZoneIds: number[];
  attemptLimit: number;
  birthdayKeys: number[] | null;
}

type Preparation = { kind: 'ready'; claim: PreparedClaim } | Exclude<ClaimResult, { kind: 'claimed' }>;

async function prepareClaim(db: Db, req: Pick<ClaimRequest, 'projectId' | 'now'>): Promise<Preparation> {
  const ctx = await claimContext(db, req.projectId, req.now);
  if (!ctx) return { kind: 'empty' };
  const { settings } = ctx;
  if (settings.archived) return { kind: 'closed', nextOpening: null };
  if (!isProjectOpen(req.now, settings.hours))
    return { kind: 'closed', nextOpening: nextOpening(req.now, settings.hours) };
  const birthdayKeys = settings.birthdayMode ? birthdayKeysOn(req.now, settings.hours.timeZone) : null;
  const attemptLimit = settings.policy.attemptLimit;
  return {
    kind: 'ready',
    claim: {
      projectId: req.projectId,
      key: `${req.projectId}|${attemptLimit}|${ctx.openZoneIds.join(',')}|${birthdayKeys?.join(',') ?? ''}`,
      openZoneIds: ctx.openZoneIds,
      attemptLimit,
      birthdayKeys,
    },
  };
}

/** The parameters of CLAIM_SQL for requests that share one prepared claim, in arrival order. */
function claimSqlParameters(claim: PreparedClaim, reqs: readonly ClaimRequest[]): unknown[] {
  const earliest = new Date(Math.min(...reqs.map((r) => r.now.getTime())));
  return [
    claim.projectId,
    reqs.map((r) => r.userId),
    earliest,
    claim.openZoneIds,
    claim.attemptLimit,
    claim.birthdayKeys,
    reqs.map((r) => r.sessionId ?? null),
    reqs.map((r) => r.leaseSeconds),
    reqs.length,
    reqs.map((r) => r.now),
    reqs.map((r) => r.attemptId ?? null),
  ];
}

/** The parameters of CLAIM_SQL for one request, for EXPLAIN in the benchmark. */
export async function claimParameters(db: Db, req: ClaimRequest): Promise<unknown[] | 'closed' | undefined> {
  const prepared = await prepareClaim(db, req);
  if (prepared.kind === 'empty') return undefined;
  if (prepared.kind === 'closed') return 'closed';
  return claimSqlParameters(prepared.claim, [req]);
}

/**
 * A claim and the key of the filters it used (open zones, attempt limit, birthday keys; null
 * when nothing was claimed). The power dialer claims while the volunteer is idle, so that
 * "Call" goes straight to the dial; confirmClaimAhead checks the key again at the click.
 */
export interface KeyedClaim {
  result: ClaimResult;
  key: string | null;
}

/** claimNextPhone, with the key of the filters the claim used. */
export async function claimNextPhoneKeyed(db: Db, req: ClaimRequest): Promise<KeyedClaim> {
  const prepared = await prepareClaim(db, req);
  if (prepared.kind !== 'ready') return { result: prepared, key: null };
  const result =
    db instanceof DataSource
      ? await claimBatcherOf(db).submit(prepared.claim.key, { claim: prepared.claim, req })
      : await one<ClaimRow>(db, CLAIM_SQL, claimSqlParameters(prepared.claim, [req])).then((row) =>
          row ? toClaimResult(req, row) : ({ kind: 'empty' } as const),
        );
  return { result, key: prepared.claim.key };
}

/**
 * May a phone claimed ahead be dialed at `now`? Only if the claim would still pick it: the
 * project is open and the same zones are open (calling hours move on while a volunteer is idle),
 * the lease is still this attempt's, and the phone has not become DNC, flagged or withdrawn
 * since. One round trip; false means release it and claim afresh.
 */
export async function confirmClaimAhead(
  db: Db,
  ahead: { key: string; attemptId: string; projectId: string },
  now: Date,
): Promise<boolean> {
  const prepared = await prepareClaim(db, { projectId: ahead.projectId, now });
  if (prepared.kind !== 'ready' || prepared.claim.key !== ahead.key) return false;
  const ok = await one<{ ok: boolean }>(
    db,
    `SELECT true AS ok
     FROM call_attempts a
     JOIN queue_entries q ON q.id = a.queue_entry_id AND q.current_attempt_id = a.id
     JOIN phones p ON p.id = a.phone_id
     WHERE a.id = $1 AND a.outcome IS NULL AND a.released_at IS NULL AND a.lease_expires_at > $2
       AND q.state = 'queued' AND ${PHONE_CALLABLE}`,
    [ahead.attemptId, now],
  );
  return ok?.ok === true;
}

/**
 * Hand the next phone of a project to a volunteer, as a lease that expires.
 *
 * On a data source, claims for the same project that arrive while earlier ones are in flight
 * are combined into one statement (see claimBatcherOf): each still gets its own phone, in
 * arrival order, but the queue's head is walked and committed once for all of them. Inside a
 * caller's transaction the claim is a statement of that transaction, alone.
 */
export async function claimNextPhone(db: Db, req: ClaimRequest): Promise<ClaimResult> {
  return (await claimNextPhoneKeyed(db, req)).result;
}

function toClaimResult(req: ClaimRequest, claimed: ClaimRow): ClaimResult {
  return {
    kind: 'claimed',
    claim: {
      attemptId: claimed.attempt_id,
      queueEntryId: claimed.queue_entry_id,
      projectId: req.projectId,
      leaseExpiresAt: claimed.lease_expires_at,
      phone: {
        id: claimed.phone_id,
        e164: claimed.e164,
        accuracyScore: claimed.accuracy_score,
        lineType: claimed.line_type,
        attempts: claimed.attempts,
      },
      voters: claimed.voters.map(toProfile),
    },
  };
}

/** At most this many claims share one statement. */
const MAX_BATCH = 32;
/** At most this many claim statements of one project run at once from this process. */
const MAX_IN_FLIGHT_PER_PROJECT = 2;

interface BatchedClaim {
  claim: PreparedClaim;
  req: ClaimRequest;
}

/**
 * Concurrent claims of one project (same key: same open zones, attempt limit and birthday
 * keys) share one statement (see KeyedBatcher): N index walks, N commits and N round trips
 * become one, which is what lets one orchestrator serve hundreds of volunteers. Each statement
 * locks with SKIP LOCKED exactly like a single claim, so several processes and instances still
 * never share a phone; a failed batch is retried claim by claim, so one bad request (an unknown
 * session id, say) fails alone.
 */
const claimBatcherOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<BatchedClaim, ClaimResult>(
      async (_key, batch) => {
        const claimed = await executeClaims(ds, batch);
        const byOrd = new Map(claimed.map((row) => [Number(row.ord), row]));
        return batch.map((b, i) => {
          const row = byOrd.get(i + 1);
          return row ? toClaimResult(b.req, row) : ({ kind: 'empty' } as const);
        });
      },
      { maxBatch: MAX_BATCH, maxInFlightPerKey: MAX_IN_FLIGHT_PER_PROJECT },
    ),
);

/**
 * Run CLAIM_SQL straight on the pool as a named prepared statement: each connection parses and
 * analyses this many-CTE statement once. Every run is still planned for its own parameters
 * (plan_cache_mode = force_custom_plan, set on every connection by createDataSource): the
 * generic plan PostgreSQL would otherwise settle on sorts the project's whole queue.
 */
async function executeClaims(ds: DataSource, batch: readonly BatchedClaim[]): Promise<ClaimRow[]> {
  const params = claimSqlParameters(
    batch[0]!.claim,
    batch.map((b) => b.req),
  );
  const pool = (ds.driver as unknown as { master?: { query?: unknown } }).master;
  if (pool && typeof pool.query === 'function') {
    const r = await (
      pool as { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: ClaimRow[] }> }
    ).query({ name: 'pb_claim_next_phones', text: CLAIM_SQL, values: params });
    return r.rows;
  }
  return rows<ClaimRow>(ds, CLAIM_SQL, params);
}

interface ProfileRow {
  id: string;
  external_id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  birthday: string | null;
  time_zone: string | null;
  tags: string[];
  notes: string | null;
  targeted: boolean;
  wrong_number: boolean;
}

/** The voters on a phone: targeted in the project first, then the rest of the household. */
export async function householdProfiles(
  db: Db,
  projectId: string,
  phoneId: string,
  birthdayKeys: number[] | null = null,
): Promise<VoterProfile[]> {
  const r = await rows<ProfileRow>(
    db,
    `${householdSelect('$1', '$3')}
     WHERE vp.phone_id = $2
     ORDER BY targeted DESC, v.last_name, v.first_name, v.id`,
    [projectId, phoneId, birthdayKeys],
  );
  return r.map(toProfile);
}

function toProfile(v: ProfileRow): VoterProfile {
  return {
    id: v.id,
    externalId: v.external_id,
    firstName: v.first_name,
    middleName: v.middle_name,
    lastName: v.last_name,
    addressLine1: v.address_line1,
    addressLine2: v.address_line2,
    city: v.city,
    state: v.state,
    zip: v.zip,
    birthday: v.birthday,
    timeZone: v.time_zone,
    tags: v.tags,
    notes: v.notes,
    targeted: v.targeted,
    wrongNumber: v.wrong_number,
  };
}

/** Extend a lease (a call still in progress). False when the lease was lost. */
export async function renewLease(
  db: Db,
  attemptId: string,
  leaseSeconds: number,
  now: Date,
): Promise<boolean> {
  const r = await rows<{ id: string }>(
    db,
    `WITH a AS (
       UPDATE call_attempts SET lease_expires_at = $2::timestamptz + make_interval(secs => $3)
       WHERE id = $1 AND outcome IS NULL AND released_at IS NULL AND lease_expires_at >= $2
       RETURNING id, queue_entry_id, phone_id, lease_expires_at
     ), q AS (
       UPDATE queue_entries q SET lease_expires_at = a.lease_expires_at FROM a
       WHERE q.id = a.queue_entry_id AND q.current_attempt_id = a.id RETURNING q.id
     ), p AS (
       UPDATE phones p SET lease_expires_at = a.lease_expires_at FROM a, q WHERE p.id = a.phone_id RETURNING p.id
     )
     SELECT a.id FROM a JOIN q ON true JOIN p ON true`,
    [attemptId, now, leaseSeconds],
  );
  return r.length > 0;
}

/** Give a claimed phone back untouched (the volunteer skipped it or left before dialing). */
export async function releaseClaim(db: Db, attemptId: string, now: Date): Promise<boolean> {
  const r = await rows<{ id: string }>(
    db,
    `WITH a AS (
       UPDATE call_attempts SET released_at = $2 WHERE id = $1 AND outcome IS NULL AND released_at IS NULL
       RETURNING id, queue_entry_id, phone_id
     ), q AS (
       UPDATE queue_entries q SET lease_expires_at = '-infinity', claimed_by = NULL, current_attempt_id = NULL FROM a
       WHERE q.id = a.queue_entry_id AND q.current_attempt_id = a.id RETURNING q.id
     ), p AS (
       UPDATE phones p SET lease_expires_at = '-infinity' FROM a, q WHERE p.id = a.phone_id RETURNING p.id
     )
     SELECT a.id FROM a`,
    [attemptId, now],
  );
  return r.length > 0;
}
