import { randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyedBatcher, perOwner } from '../batcher';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';

/**
 * Writes behind the call path (session states, call-progress stamps) of many sessions that
 * arrive together — a burst of clicks — go out as one statement per kind instead of one per
 * session, so they never queue the claims and line requests behind them for the pool's
 * connections. Each session has at most one state write in flight, so rows never collide.
 */
const BEHIND_BATCH = { maxBatch: 100, maxInFlightPerKey: 1 };

export type DialMode = 'standard' | 'phone' | 'voip';

export interface DialSessionRow {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  mode: DialMode;
  pin: string;
  stage: string;
  stageEnteredAt: Date;
  state: unknown;
  volunteerLegId: string | null;
  legConnectedAt: Date | null;
  billedMillicents: number;
  createdAt: Date;
  endedAt: Date | null;
}

interface RawRow {
  id: string;
  campaign_id: string;
  project_id: string;
  user_id: string;
  mode: DialMode;
  pin: string;
  stage: string;
  stage_entered_at: Date;
  state: unknown;
  volunteer_leg_id: string | null;
  leg_connected_at: Date | null;
  billed_millicents: string | number;
  created_at: Date;
  ended_at: Date | null;
}

const toRow = (r: RawRow): DialSessionRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  projectId: r.project_id,
  userId: r.user_id,
  mode: r.mode,
  pin: r.pin,
  stage: r.stage,
  stageEnteredAt: r.stage_entered_at,
  state: r.state,
  volunteerLegId: r.volunteer_leg_id,
  legConnectedAt: r.leg_connected_at,
  billedMillicents: Number(r.billed_millicents),
  createdAt: r.created_at,
  endedAt: r.ended_at,
});

export interface NewDialSession {
  id: string;
  campaignId: string;
  projectId: string;
  userId: string;
  mode: DialMode;
  stage: string;
  state: unknown;
  now: Date;
}

/** Create a live session with a fresh 6-digit PIN that no other live session holds. */
export async function insertDialSession(db: Db, input: NewDialSession): Promise<DialSessionRow> {
  for (let tries = 0; tries < 20; tries += 1) {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await one<RawRow>(
      db,
      `INSERT INTO dial_sessions (id, campaign_id, project_id, user_id, mode, pin, stage, stage_entered_at, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (pin) WHERE ended_at IS NULL DO NOTHING
       RETURNING *`,
      [
        input.id,
        input.campaignId,
        input.projectId,
        input.userId,
        input.mode,
        pin,
        input.stage,
        input.now,
        input.state,
      ],
    );
    if (row) return toRow(row);
  }
  throw new QueueError('INVALID_INPUT', 'could not find a free session PIN; too many live sessions');
}

export async function findDialSession(db: Db, id: string): Promise<DialSessionRow | undefined> {
  const r = await one<RawRow>(db, `SELECT * FROM dial_sessions WHERE id = $1`, [id]);
  return r ? toRow(r) : undefined;
}

/** The live session a PIN opens, if any. */
export async function findLiveSessionByPin(db: Db, pin: string): Promise<DialSessionRow | undefined> {
  if (!/^[0-9]{6}$/.test(pin)) return undefined;
  const r = await one<RawRow>(db, `SELECT * FROM dial_sessions WHERE pin = $1 AND ended_at IS NULL`, [pin]);
  return r ? toRow(r) : undefined;
}

export async function listLiveDialSessions(db: Db): Promise<DialSessionRow[]> {
  return (
    await rows<RawRow>(db, `SELECT * FROM dial_sessions WHERE ended_at IS NULL ORDER BY created_at`)
  ).map(toRow);
}

/** Write the machine's state after a transition. */
export async function saveDialSessionState(
  db: Db,
  id: string,
  stage: string,
  stageEnteredAt: Date,
  state: unknown,
  ended: boolean,
): Promise<void> {
  const write: StateWrite = { id, stage, stageEnteredAt, state: JSON.stringify(state), ended };
  if (db instanceof DataSource) await stateWriterOf(db).submit('state', write);
  else await saveDialSessionStates(db, [write]);
}

interface StateWrite {
  id: string;
  stage: string;
  stageEnteredAt: Date;
  /** JSON text. */
  state: string;
  ended: boolean;
}

const stateWriterOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<StateWrite, void>(async (_key, batch) => {
      await saveDialSessionStates(ds, batch);
      return batch.map(() => undefined);
    }, BEHIND_BATCH),
);

async function saveDialSessionStates(db: Db, writes: readonly StateWrite[]): Promise<void> {
  // A record for the dashboard and for recovery, written behind the call path: it commits
  // without waiting for the WAL flush (a database crash could lose the newest stage, which the
  // restart recovery rebuilds from the PBX anyway), so it never holds a pooled connection long.
  await db.query(
    `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
     UPDATE dial_sessions d SET stage = v.stage, stage_entered_at = v.entered, state = v.state::jsonb,
       ended_at = CASE WHEN v.ended THEN coalesce(d.ended_at, now()) ELSE d.ended_at END
     FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::boolean[]) AS v(id, stage, entered, state, ended),
          async_commit
     WHERE d.id = v.id`,
    [
      writes.map((w) => w.id),
      writes.map((w) => w.stage),
      writes.map((w) => w.stageEnteredAt),
      writes.map((w) => w.state),
      writes.map((w) => w.ended),
    ],
  );
}

/**
 * Set (a leg joined at `connectedAt`) or clear (null: the leg hung up at `at`) the session's
 * volunteer leg. Each leg is also kept in `dial_session_legs` with its connect and disconnect
 * times, for volunteer hours in the reports; a leg left open is closed when the next one joins.
 */
export async function setVolunteerLeg(
  db: Db,
  id: string,
  legId: string | null,
  connectedAt: Date | null,
  at?: Date,
): Promise<void> {
  await db.query(
    `WITH s AS (
       UPDATE dial_sessions SET volunteer_leg_id = $2, leg_connected_at = $3 WHERE id = $1 RETURNING id
     ), closed AS (
       UPDATE dial_session_legs SET disconnected_at = greatest(connected_at, coalesce($4, $3, now()))
       WHERE session_id = $1 AND disconnected_at IS NULL RETURNING id
     )
     INSERT INTO dial_session_legs (session_id, leg_id, connected_at)
     SELECT s.id, $2, $3 FROM s WHERE $2::text IS NOT NULL AND $3::timestamptz IS NOT NULL`,
    [id, legId, connectedAt, at ?? null],
  );
}

/** Record a wrong PIN from `caller`; returns how many it has made in the window. */
export async function recordDialInFailure(
  db: Db,
  caller: string,
  now: Date,
  windowMinutes: number,
): Promise<number> {
  await db.query(`INSERT INTO dial_in_failures (caller, failed_at) VALUES ($1, $2)`, [caller, now]);
  const r = await one<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM dial_in_failures WHERE caller = $1 AND failed_at > $2::timestamptz - make_interval(mins => $3)`,
    [caller, now, windowMinutes],
  );
  return Number(r?.n ?? 0);
}

export async function recentDialInFailures(
  db: Db,
  caller: string,
  now: Date,
  windowMinutes: number,
): Promise<number> {
  const r = await one<{ n: string }>(
    db,
    `SELECT count(*) AS n FROM dial_in_failures WHERE caller = $1 AND failed_at > $2::timestamptz - make_interval(mins => $3)`,
    [caller, now, windowMinutes],
  );
  return Number(r?.n ?? 0);
}

export type AttemptMark =
  'dial_started_at' | 'ringing_at' | 'answered_at' | 'voicemail_started_at' | 'ended_at';

/** Stamp a step of a call attempt (first time only). */
export function markAttempt(db: Db, attemptId: string, mark: AttemptMark, at: Date): Promise<void> {
  return submitStamp(db, { attemptId, mark, at, trunkId: null, q850Cause: null });
}

/** The INVITE left on `trunkId` (the trunk's UUID) at `at`: for post-dial delay and trunk health. */
export function markAttemptDialed(db: Db, attemptId: string, trunkId: string, at: Date): Promise<void> {
  return submitStamp(db, { attemptId, mark: 'dial_started_at', at, trunkId, q850Cause: null });
}

/** The call's channel is gone at `at`, with its Q.850 hangup cause (first time only, both). */
export function markAttemptEnded(db: Db, attemptId: string, at: Date, q850Cause: number): Promise<void> {
  return submitStamp(db, { attemptId, mark: 'ended_at', at, trunkId: null, q850Cause });
}

/** On the pool, stamps of one mark are written together; in a transaction, at once. */
async function submitStamp(db: Db, stamp: Stamp): Promise<void> {
  if (db instanceof DataSource) await stamperOf(db).submit(stamp.mark, stamp);
  else await stampAttempts(db, stamp.mark, [stamp]);
}

interface Stamp {
  attemptId: string;
  mark: AttemptMark;
  at: Date;
  /** With dial_started_at: the trunk the INVITE left on (null: unchanged). */
  trunkId: string | null;
  /** With ended_at: the channel's hangup cause (null: unchanged). */
  q850Cause: number | null;
}

const stamperOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<Stamp, void>(async (mark, batch) => {
      await stampAttempts(ds, mark as AttemptMark, batch);
      return batch.map(() => undefined);
    }, BEHIND_BATCH),
);

const ATTEMPT_MARKS: readonly AttemptMark[] = [
  'dial_started_at',
  'ringing_at',
  'answered_at',
  'voicemail_started_at',
  'ended_at',
];

async function stampAttempts(db: Db, mark: AttemptMark, stamps: readonly Stamp[]): Promise<void> {
  if (!ATTEMPT_MARKS.includes(mark)) throw new Error(`not an attempt mark: ${mark}`);
  // A timestamp of the call's progress (dial, ringing, answer, voicemail): committed without
  // waiting for the WAL flush, like the claim; outcomes keep full durability.
  await db.query(
    `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
     UPDATE call_attempts c SET ${mark} = coalesce(c.${mark}, v.at), trunk_id = coalesce(v.trunk_id, c.trunk_id),
            q850_cause = coalesce(c.q850_cause, v.q850_cause)
     FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::int[]) AS v(id, at, trunk_id, q850_cause), async_commit
     WHERE c.id = v.id`,
    [
      stamps.map((x) => x.attemptId),
      stamps.map((x) => x.at),
      stamps.map((x) => x.trunkId),
      stamps.map((x) => x.q850Cause),
    ],
  );
}

/** Campaign balance in millicents (the ledger keeps cents with 4 decimals). */
export async function campaignBalanceMillicents(db: Db, campaignId: string): Promise<number> {
  const r = await one<{ cents: string | null }>(
    db,
    `SELECT coalesce(sum(amount_cents), 0) AS cents FROM credit_ledger WHERE campaign_id = $1`,
    [campaignId],
  );
  return Math.round(Number(r?.cents ?? 0) * 1000);
}

export async function campaignRateMillicentsPerMinute(db: Db, campaignId: string): Promise<number> {
  const r = await one<{ rate: string }>(
    db,
    `SELECT rate_cents_per_minute AS rate FROM campaigns WHERE id = $1`,
    [campaignId],
  );
  if (!r) throw new QueueError('NOT_FOUND', 'campaign not found');
  return Math.round(Number(r.rate) * 1000);
}

/**
 * Append a usage entry for a session's volunteer leg and remember how much that leg has been
 * charged, in one transaction (append-only ledger; amounts are negative for usage). `at` is the
 * engine's clock at metering (the entry's time in the reports); the database's clock without it.
 */
export async function chargeSessionUsage(
  db: Db,
  sessionId: string,
  campaignId: string,
  millicents: number,
  reason: string,
  at?: Date,
): Promise<void> {
  if (millicents <= 0) return;
  await db.query(
    `WITH charged AS (
       UPDATE dial_sessions SET billed_millicents = billed_millicents + $3 WHERE id = $1 RETURNING id
     )
     INSERT INTO credit_ledger (campaign_id, amount_cents, reason, session_ref, created_at)
     SELECT $2, -($3::numeric / 1000), $4, $1::text, coalesce($5::timestamptz, now()) FROM charged`,
    [sessionId, campaignId, millicents, reason, at ?? null],
  );
}
