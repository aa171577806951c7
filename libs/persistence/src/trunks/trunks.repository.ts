import type { DataSource } from 'typeorm';
import {
  computeTrunkHealth,
  decideLine,
  type CallerIdRules,
  type LineDecision,
  type NumberFormat,
  type TrunkHealth,
} from '@phonebank/domain';
import { KeyedBatcher, perOwner } from '../batcher';
import { one, rows, type Db } from '../sql';

export type TrunkTransport = 'udp' | 'tcp' | 'tls';
export type TrunkProvisioning = 'managed' | 'static';

/** A trunk as the API shows it: the password is never in it, only whether one is set. */
export interface TrunkRow {
  id: string;
  name: string;
  provisioning: TrunkProvisioning;
  sipHost: string | null;
  sipPort: number;
  transport: TrunkTransport;
  username: string | null;
  hasPassword: boolean;
  fromDomain: string | null;
  fromUser: string | null;
  allowedCallerIds: string[];
  defaultCallerId: string | null;
  callerIdFormat: NumberFormat;
  dialFormat: NumberFormat;
  dialPrefix: string;
  maxConcurrentCalls: number;
  maxCallsPerSecond: number;
  codecs: string[];
  enabled: boolean;
  /** Calls holding a line on it now (all instances). */
  liveCalls: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a PBX adapter needs to create the trunk (holds the password: never log or return it). */
export interface TrunkPbxRow {
  name: string;
  provisioning: TrunkProvisioning;
  enabled: boolean;
  sipHost: string | null;
  sipPort: number;
  transport: TrunkTransport;
  username: string | null;
  password: string | null;
  fromDomain: string | null;
  fromUser: string | null;
  codecs: string[];
  updatedAt: Date;
}

export interface TrunkInput {
  name: string;
  sipHost: string;
  sipPort?: number;
  transport?: TrunkTransport;
  username?: string | null;
  password?: string | null;
  fromDomain?: string | null;
  fromUser?: string | null;
  allowedCallerIds?: string[];
  defaultCallerId?: string | null;
  callerIdFormat?: NumberFormat;
  dialFormat?: NumberFormat;
  dialPrefix?: string;
  maxConcurrentCalls?: number;
  maxCallsPerSecond?: number;
  codecs?: string[];
  enabled?: boolean;
}

export type TrunkPatch = Partial<Omit<TrunkInput, 'name'>>;

/** Lines older than this are counted as stranded (an instance died mid-call and never came back). */
export const TRUNK_LINE_STALE_HOURS = 4;

const COLUMNS = `
  t.id, t.name, t.provisioning, t.sip_host AS "sipHost", t.sip_port AS "sipPort", t.transport,
  t.username, (t.password IS NOT NULL) AS "hasPassword", t.from_domain AS "fromDomain",
  t.from_user AS "fromUser", t.allowed_caller_ids AS "allowedCallerIds",
  t.default_caller_id AS "defaultCallerId", t.caller_id_format AS "callerIdFormat",
  t.dial_format AS "dialFormat", t.dial_prefix AS "dialPrefix",
  t.max_concurrent_calls AS "maxConcurrentCalls", t.max_calls_per_second::float8 AS "maxCallsPerSecond",
  t.codecs, t.enabled, t.created_at AS "createdAt", t.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM trunk_lines l WHERE l.trunk_id = t.id
     AND l.acquired_at > clock_timestamp() - interval '${TRUNK_LINE_STALE_HOURS} hours') AS "liveCalls"`;

/** Column of each patchable field; the API's DTOs validate the values first. */
const PATCH_COLUMN: Record<keyof TrunkPatch, string> = {
  sipHost: 'sip_host',
  sipPort: 'sip_port',
  transport: 'transport',
  username: 'username',
  password: 'password',
  fromDomain: 'from_domain',
  fromUser: 'from_user',
  allowedCallerIds: 'allowed_caller_ids',
  defaultCallerId: 'default_caller_id',
  callerIdFormat: 'caller_id_format',
  dialFormat: 'dial_format',
  dialPrefix: 'dial_prefix',
  maxConcurrentCalls: 'max_concurrent_calls',
  maxCallsPerSecond: 'max_calls_per_second',
  codecs: 'codecs',
  enabled: 'enabled',
};

/** SIP settings that a `static` trunk keeps in the PBX's own files. */
export const PBX_FIELDS: readonly (keyof TrunkPatch)[] = [
  'sipHost',
  'sipPort',
  'transport',
  'username',
  'password',
  'fromDomain',
  'fromUser',
  'codecs',
];

export class TrunkError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NAME_TAKEN' | 'STATIC_TRUNK',
    message: string,
  ) {
    super(message);
    this.name = 'TrunkError';
  }
}

export async function listTrunks(db: Db): Promise<TrunkRow[]> {
  return rows<TrunkRow>(db, `SELECT ${COLUMNS} FROM trunks t ORDER BY t.name`);
}

export async function getTrunk(db: Db, id: string): Promise<TrunkRow | undefined> {
  return one<TrunkRow>(db, `SELECT ${COLUMNS} FROM trunks t WHERE t.id = $1`, [id]);
}

export async function getTrunkByName(db: Db, name: string): Promise<TrunkRow | undefined> {
  return one<TrunkRow>(db, `SELECT ${COLUMNS} FROM trunks t WHERE t.name = $1`, [name]);
}

export async function createTrunk(db: Db, input: TrunkInput): Promise<TrunkRow> {
  const exists = await one(db, `SELECT 1 FROM trunks WHERE name = $1`, [input.name]);
  if (exists) throw new TrunkError('NAME_TAKEN', `a trunk named ${input.name} already exists`);
  const created = await one<{ id: string }>(
    db,
    `INSERT INTO trunks (name, provisioning, sip_host, sip_port, transport, username, password, from_domain,
       from_user, allowed_caller_ids, default_caller_id, caller_id_format, dial_format, dial_prefix,
       max_concurrent_calls, max_calls_per_second, codecs, enabled)
     VALUES ($1, 'managed', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     RETURNING id`,
    [
      input.name,
      input.sipHost,
      input.sipPort ?? 5060,
      input.transport ?? 'udp',
      input.username ?? null,
      input.password ?? null,
      input.fromDomain ?? null,
      input.fromUser ?? null,
      input.allowedCallerIds ?? [],
      input.defaultCallerId ?? null,
      input.callerIdFormat ?? 'e164',
      input.dialFormat ?? 'e164',
      input.dialPrefix ?? '',
      input.maxConcurrentCalls ?? 30,
      input.maxCallsPerSecond ?? 5,
      input.codecs ?? ['ulaw', 'alaw'],
      input.enabled ?? true,
    ],
  );
  return (await getTrunk(db, created!.id))!;
}

/**
 * Change a trunk. Limits and caller-ID rules take effect on the next call (the limiter reads the
 * row each time). A `static` trunk's SIP settings live in the PBX's files and cannot change here.
 */
export async function updateTrunk(db: Db, id: string, patch: TrunkPatch): Promise<TrunkRow> {
  const current = await getTrunk(db, id);
  if (!current) throw new TrunkError('NOT_FOUND', 'trunk not found');
  const keys = (Object.keys(patch) as (keyof TrunkPatch)[]).filter((k) => patch[k] !== undefined);
  if (current.provisioning === 'static') {
    const pbx = keys.filter((k) => PBX_FIELDS.includes(k));
    if (pbx.length > 0) {
      throw new TrunkError(
        'STATIC_TRUNK',
        `trunk ${current.name} is defined in the PBX's own configuration (asterisk/etc/pjsip.conf); ` +
          `change ${pbx.join(', ')} there, or create a managed trunk here`,
      );
    }
  }
  if (keys.length === 0) return current;
  const sets = keys.map((k, i) => `${PATCH_COLUMN[k]} = $${i + 2}`);
  await db.query(`UPDATE trunks SET ${sets.join(', ')}, updated_at = clock_timestamp() WHERE id = $1`, [
    id,
    ...keys.map((k) => patch[k]),
  ]);
  return (await getTrunk(db, id))!;
}

const PBX_COLUMNS = `name, provisioning, enabled, sip_host AS "sipHost", sip_port AS "sipPort", transport,
  username, password, from_domain AS "fromDomain", from_user AS "fromUser", codecs, updated_at AS "updatedAt"`;

/** Every trunk with what the PBX needs (for pushing on connect); `since` limits it to changed ones. */
export async function listTrunksForPbx(db: Db, since?: Date): Promise<TrunkPbxRow[]> {
  return since
    ? rows<TrunkPbxRow>(db, `SELECT ${PBX_COLUMNS} FROM trunks WHERE updated_at > $1 ORDER BY name`, [since])
    : rows<TrunkPbxRow>(db, `SELECT ${PBX_COLUMNS} FROM trunks ORDER BY name`);
}

export async function getTrunkForPbx(db: Db, name: string): Promise<TrunkPbxRow | undefined> {
  return one<TrunkPbxRow>(db, `SELECT ${PBX_COLUMNS} FROM trunks WHERE name = $1`, [name]);
}

// --- the line limiter ------------------------------------------------------------------------

export interface LineRequest {
  trunkName: string;
  /** The leg the line is for (the attempt id for voter calls). */
  legId: string;
  /** The orchestrator instance placing the call. */
  holder: string;
  /** The longest the caller will sleep for its calls-per-second send slot. */
  maxSlotWaitMs: number;
}

export type LineResult =
  | {
      kind: 'granted';
      trunkId: string;
      /** Sleep this long (PostgreSQL's clock, so instances agree) before sending the INVITE. */
      delayMs: number;
      rules: CallerIdRules;
    }
  | (Exclude<LineDecision, { kind: 'granted' }> & { trunkId: string })
  | { kind: 'unknown-trunk' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** At most this many line requests share one decision. */
const MAX_LINE_BATCH = 64;

/** Line requests of one trunk wait for the trunk's decision in flight, then go together. */
const lineBatcherOf = perOwner(
  (ds: DataSource) =>
    new KeyedBatcher<LineRequest, LineResult>((trunkName, batch) => acquireTrunkLines(ds, trunkName, batch), {
      maxBatch: MAX_LINE_BATCH,
      // Two decisions of one trunk in flight would conflict: the second would only decide again.
      maxInFlightPerKey: 1,
    }),
);

/**
 * Take a line on a trunk for one leg, or say why not. Concurrent requests from every instance
 * are decided one after the other against the same count of live lines and the same next send
 * slot (see acquireTrunkLines). Asking again for a leg that already holds a line returns that
 * line (a retried click never takes two). The attempt row (when the leg is an attempt) records
 * the trunk, for health.
 *
 * This is on the click-to-INVITE path, so requests of one trunk that arrive while its decision
 * is in flight are decided together in the next one (a burst of clicks makes a few decisions,
 * not one per click).
 */
export function acquireTrunkLine(ds: DataSource, req: LineRequest): Promise<LineResult> {
  return lineBatcherOf(ds).submit(req.trunkName, req);
}

/**
 * Decide the line requests of one trunk together, in request order, each against the lines
 * granted before it, and write the grants in one statement.
 *
 * This is on the click-to-INVITE path, so it is optimistic: one statement reads the trunk (its
 * row version, `xmin`), the legs' lines and the live count; `decideLine` decides; one statement
 * writes the new lines, the send slot and the attempts' trunk, only if the trunk row is still
 * the version read. Every grant updates the trunk row (its send slot) in the statement that
 * inserts the lines, so an unchanged row version means no line was granted since the read
 * (lines freed since only make the count read high, which errs on the safe side). Two round
 * trips, no transaction block, no lock held across them. When another instance (or an edit of
 * the trunk) got in between, the requests are decided again from a fresh read; after
 * `optimisticTries` such conflicts, in a transaction that locks the trunk row first.
 *
 * The write commits without waiting for the WAL flush: a database crash could forget the
 * newest lines, which recovery frees anyway.
 */
export async function acquireTrunkLines(
  ds: DataSource,
  trunkName: string,
  reqs: readonly Omit<LineRequest, 'trunkName'>[],
  { optimisticTries = OPTIMISTIC_TRIES }: { optimisticTries?: number } = {},
): Promise<LineResult[]> {
  const legIds = reqs.map((r) => r.legId);
  for (let i = 0; i < optimisticTries; i++) {
    const t = await readLineState(ds, trunkName, legIds);
    if (!t) return reqs.map(() => ({ kind: 'unknown-trunk' }) as const);
    const decided = decideLines(t, reqs);
    if (await writeLines(ds, t, decided, t.version)) return decided.results;
  }
  return ds.transaction(async (m) => {
    // The lock first, in a statement of its own: the read after it sees the lines of whoever
    // held it before.
    await m.query(`SELECT 1 FROM trunks WHERE name = $1 FOR UPDATE`, [trunkName]);
    const t = await readLineState(m, trunkName, legIds);
    if (!t) return reqs.map(() => ({ kind: 'unknown-trunk' }) as const);
    const decided = decideLines(t, reqs);
    await writeLines(m, t, decided, null);
    return decided.results;
  });
}

/** Optimistic decisions given up (another writer in between) before the locking transaction. */
const OPTIMISTIC_TRIES = 3;

interface LineState {
  id: string;
  /** The trunk row's version (`xmin`) when read. */
  version: string;
  enabled: boolean;
  max_concurrent_calls: number;
  max_calls_per_second: number;
  next_send_at: Date | null;
  now: Date;
  allowed_caller_ids: string[];
  default_caller_id: string | null;
  caller_id_format: NumberFormat;
  dial_format: NumberFormat;
  dial_prefix: string;
  /** Lines the requested legs already hold. */
  held: { leg_id: string; send_at: string }[] | null;
  live_calls: number;
}

/** The trunk, its row version, the requested legs' lines and its live count, in one snapshot. */
async function readLineState(db: Db, trunkName: string, legIds: string[]): Promise<LineState | undefined> {
  return one<LineState>(
    db,
    `SELECT t.id, t.xmin::text AS version, t.enabled, t.max_concurrent_calls,
            t.max_calls_per_second::float8 AS max_calls_per_second, t.next_send_at,
            c.now, t.allowed_caller_ids, t.default_caller_id, t.caller_id_format, t.dial_format,
            t.dial_prefix,
            (SELECT json_agg(json_build_object('leg_id', l.leg_id, 'send_at', l.send_at))
             FROM trunk_lines l WHERE l.trunk_id = t.id AND l.leg_id = ANY($2::text[])) AS held,
            (SELECT count(*)::int FROM trunk_lines l
             WHERE l.trunk_id = t.id
               AND l.acquired_at > c.now - interval '${TRUNK_LINE_STALE_HOURS} hours') AS live_calls
     FROM trunks t CROSS JOIN (SELECT clock_timestamp() AS now) c
     WHERE t.name = $1`,
    [trunkName, legIds],
  );
}

interface DecidedLines {
  results: LineResult[];
  granted: { legId: string; holder: string; sendAt: Date }[];
  nextSendAt: Date | null;
}

function decideLines(t: LineState, reqs: readonly Omit<LineRequest, 'trunkName'>[]): DecidedLines {
  const held = new Map((t.held ?? []).map((h) => [h.leg_id, new Date(h.send_at)]));
  const rules: CallerIdRules = {
    allowedCallerIds: t.allowed_caller_ids,
    defaultCallerId: t.default_caller_id,
    callerIdFormat: t.caller_id_format,
    dialFormat: t.dial_format,
    dialPrefix: t.dial_prefix,
  };
  const limits = {
    enabled: t.enabled,
    maxConcurrentCalls: t.max_concurrent_calls,
    maxCallsPerSecond: t.max_calls_per_second,
  };
  const state = { liveCalls: t.live_calls, nextSendAt: t.next_send_at };
  const granted: DecidedLines['granted'] = [];
  const results = reqs.map((req): LineResult => {
    const heldSendAt = held.get(req.legId);
    if (heldSendAt) {
      return {
        kind: 'granted',
        trunkId: t.id,
        delayMs: Math.max(0, heldSendAt.getTime() - t.now.getTime()),
        rules,
      };
    }
    const decision = decideLine(limits, state, t.now, req.maxSlotWaitMs);
    if (decision.kind !== 'granted') return { ...decision, trunkId: t.id };
    state.liveCalls += 1;
    state.nextSendAt = decision.nextSendAt;
    held.set(req.legId, decision.sendAt);
    granted.push({ legId: req.legId, holder: req.holder, sendAt: decision.sendAt });
    return { kind: 'granted', trunkId: t.id, delayMs: decision.sendAt.getTime() - t.now.getTime(), rules };
  });
  return { results, granted, nextSendAt: state.nextSendAt };
}

/**
 * Write the grants: the lines, the trunk's next send slot, the attempts' trunk — only if the
 * trunk row is still at `version` (null: the caller holds its lock). False when it was not.
 */
async function writeLines(db: Db, t: LineState, d: DecidedLines, version: string | null): Promise<boolean> {
  if (d.granted.length === 0) return true;
  const w = await one<{ written: boolean }>(
    db,
    `WITH slot AS (
       UPDATE trunks SET next_send_at = $6 WHERE id = $2 AND ($8::xid IS NULL OR xmin = $8::xid) RETURNING id
     ), line AS (
       INSERT INTO trunk_lines (leg_id, trunk_id, holder, acquired_at, send_at)
       SELECT g.leg_id, $2, g.holder, $4, g.send_at
       FROM unnest($1::text[], $3::text[], $5::timestamptz[]) AS g(leg_id, holder, send_at)
       WHERE EXISTS (SELECT 1 FROM slot)
     ), attempt AS (
       UPDATE call_attempts SET trunk_id = $2 WHERE id = ANY($7::uuid[]) AND EXISTS (SELECT 1 FROM slot)
     )
     SELECT EXISTS (SELECT 1 FROM slot) AS written, set_config('synchronous_commit', 'off', true) AS commit_mode`,
    [
      d.granted.map((g) => g.legId),
      t.id,
      d.granted.map((g) => g.holder),
      t.now,
      d.granted.map((g) => g.sendAt),
      d.nextSendAt,
      d.granted.filter((g) => UUID.test(g.legId)).map((g) => g.legId),
      version,
    ],
  );
  return w?.written === true;
}

/** The leg ended (or never went out): its line is free. Freeing a line twice is harmless. */
export async function releaseTrunkLine(db: Db, legId: string): Promise<boolean> {
  // (A bare DELETE … RETURNING comes back from TypeORM as [rows, count]; count through a CTE.)
  const r = await one<{ n: number }>(
    db,
    `WITH d AS (DELETE FROM trunk_lines WHERE leg_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
    [legId],
  );
  return (r?.n ?? 0) > 0;
}

/**
 * Free the lines an instance holds for legs its PBX no longer has (after a restart of either).
 * Lines taken in the last `graceMs` are kept: their originate may still be on its way.
 */
export async function releaseLinesOfHolder(
  db: Db,
  holder: string,
  keepLegIds: readonly string[],
  graceMs: number,
): Promise<number> {
  const r = await one<{ n: number }>(
    db,
    `WITH d AS (
       DELETE FROM trunk_lines WHERE holder = $1 AND NOT (leg_id = ANY($2::text[]))
         AND acquired_at < clock_timestamp() - ($3::int * interval '1 millisecond')
       RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [holder, [...keepLegIds], graceMs],
  );
  return r?.n ?? 0;
}

// --- health ------------------------------------------------------------------------------------

export interface TrunkHealthRow extends TrunkHealth {
  trunkId: string;
  name: string;
  enabled: boolean;
  liveCalls: number;
  maxConcurrentCalls: number;
  from: string;
  to: string;
}

/**
 * Health of every trunk over [from, to), from the call attempts that went out on it (by the time
 * the INVITE left). Aggregated in SQL; the figures and warnings come from the domain.
 */
export async function trunkHealth(db: Db, from: Date, to: Date): Promise<TrunkHealthRow[]> {
  const trunks = await listTrunks(db);
  const totals = await rows<{
    trunk_id: string;
    seizures: number;
    answered: number;
    talk_seconds: number | null;
    talk_ended: number;
  }>(
    db,
    `SELECT trunk_id, count(*)::int AS seizures,
            count(answered_at)::int AS answered,
            sum(extract(epoch FROM ended_at - answered_at)) FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL)::float8 AS talk_seconds,
            count(*) FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL)::int AS talk_ended
     FROM call_attempts
     WHERE trunk_id IS NOT NULL AND dial_started_at >= $1 AND dial_started_at < $2
     GROUP BY trunk_id`,
    [from, to],
  );
  const pdd = await rows<{ trunk_id: string; ms: number }>(
    db,
    `SELECT trunk_id, (extract(epoch FROM ringing_at - dial_started_at) * 1000)::float8 AS ms
     FROM call_attempts
     WHERE trunk_id IS NOT NULL AND dial_started_at >= $1 AND dial_started_at < $2
       AND ringing_at IS NOT NULL AND ringing_at >= dial_started_at`,
    [from, to],
  );
  const causes = await rows<{
    trunk_id: string;
    q850: number | null;
    sip: number | null;
    answered: boolean;
    calls: number;
  }>(
    db,
    `SELECT trunk_id, q850_cause AS q850, sip_cause AS sip, (answered_at IS NOT NULL) AS answered,
            count(*)::int AS calls
     FROM call_attempts
     WHERE trunk_id IS NOT NULL AND dial_started_at >= $1 AND dial_started_at < $2
       AND (ended_at IS NOT NULL OR q850_cause IS NOT NULL OR sip_cause IS NOT NULL)
     GROUP BY trunk_id, q850_cause, sip_cause, (answered_at IS NOT NULL)`,
    [from, to],
  );
  return trunks.map((t) => {
    const total = totals.find((r) => r.trunk_id === t.id);
    const health = computeTrunkHealth({
      seizures: total?.seizures ?? 0,
      answered: total?.answered ?? 0,
      talkSecondsTotal: total?.talk_seconds ?? 0,
      talkCallsEnded: total?.talk_ended ?? 0,
      postDialDelaysMs: pdd.filter((r) => r.trunk_id === t.id).map((r) => r.ms),
      causes: causes.filter((r) => r.trunk_id === t.id),
    });
    return {
      trunkId: t.id,
      name: t.name,
      enabled: t.enabled,
      liveCalls: t.liveCalls,
      maxConcurrentCalls: t.maxConcurrentCalls,
      from: from.toISOString(),
      to: to.toISOString(),
      ...health,
    };
  });
}
