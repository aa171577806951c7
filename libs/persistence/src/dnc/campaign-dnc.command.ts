import { DataSource } from 'typeorm';
import type { CallOutcome, DncColumns, DncLineError } from '@phonebank/domain';
import {
  checkDncReason,
  csvLine,
  isInstallFlagged,
  mapDncColumns,
  normalizePhone,
  parseDncRecord,
  phoneStatusAfterDncRemoval,
} from '@phonebank/domain';
import type { Db } from '../sql';
import { QueueError, one, rows } from '../sql';
import { readCsv } from '../import/fast-csv';
import { enqueueTargets } from '../targeting/targeting.query';
import { notifyCampaignActivity } from '../dashboard/campaign-activity';

/**
 * A campaign's do-not-call list managed by staff (SPEC §3, issue 6). Listing a number has the
 * effect of the "do not call" outcome: the campaign's phone with that number becomes DNC, leaves
 * every project's queue, future projects skip it (the claim and targeting check `campaign_dnc`),
 * and the campaign's mark counts towards the install-wide flag. Taking a number off the list
 * undoes exactly that: the phone gets back the status DNC hid (a phone already called to an end
 * stays retired), queue entries that left only because of DNC (or of an install flag that no
 * longer holds) come back when the phone may still be called there, and the install flag is
 * lifted when fewer than three campaigns still mark the number. Every change is written to the
 * append-only `dnc_audit`.
 */

export type DncSource = 'manual' | 'import' | 'outcome';

/** Who made a change (kept in the audit by id and by name at the time). */
export interface DncActor {
  userId: string | null;
  userName: string | null;
}

export interface DncChange {
  e164: string;
  /** false when nothing changed (already listed / not listed). */
  changed: boolean;
  /** The campaign's phone with this number, after the change (null: no such phone). */
  phoneStatus: string | null;
  queueEntriesClosed: number;
  queueEntriesReopened: number;
  /** The number is flagged on the whole install after the change. */
  installFlagged: boolean;
}

const LOCK_KEY = 72_403_107;

function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db instanceof DataSource ? db.transaction((em) => work(em)) : work(db);
}

/** Normalize a number typed by staff, or refuse it with the reason. */
export function dncNumber(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone.ok)
    throw new QueueError('INVALID_INPUT', `"${raw.slice(0, 40)}" is not a phone number: ${phone.message}`);
  return phone.e164;
}

function dncReason(raw: string): string {
  const r = checkDncReason(raw);
  if (!r.ok) throw new QueueError('INVALID_INPUT', r.message);
  return r.reason;
}

/** Changes to one campaign's list happen one at a time (the queue effects read the list). */
async function lockCampaignList(tx: Db, campaignId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_KEY, campaignId]);
}

/** Add one number to the campaign's DNC list, with every effect of the DNC outcome. */
export async function addToDnc(
  db: Db,
  input: { campaignId: string; number: string; reason: string; actor: DncActor; now: Date },
): Promise<DncChange> {
  const e164 = dncNumber(input.number);
  const reason = dncReason(input.reason);
  const changes = await transaction(db, (tx) =>
    listNumbers(tx, input.campaignId, [{ e164, reason }], 'manual', input.actor, input.now),
  );
  await notifyCampaignActivity(db, input.campaignId);
  return changes.get(e164)!;
}

/** List numbers (new ones only; already listed ones are left as they are). */
async function listNumbers(
  tx: Db,
  campaignId: string,
  entries: { e164: string; reason: string }[],
  source: DncSource,
  actor: DncActor,
  now: Date,
): Promise<Map<string, DncChange>> {
  await lockCampaignList(tx, campaignId);
  const result = new Map<string, DncChange>();
  for (const e of entries)
    result.set(e.e164, {
      e164: e.e164,
      changed: false,
      phoneStatus: null,
      queueEntriesClosed: 0,
      queueEntriesReopened: 0,
      installFlagged: false,
    });
  const added = await rows<{ e164: string }>(
    tx,
    `INSERT INTO campaign_dnc (campaign_id, e164, source, reason, added_by, added_at)
     SELECT $1, x.e164, $4, x.reason, $5, $6 FROM unnest($2::text[], $3::text[]) AS x(e164, reason)
     ON CONFLICT DO NOTHING RETURNING e164`,
    [campaignId, entries.map((e) => e.e164), entries.map((e) => e.reason), source, actor.userId, now],
  );
  const addedNumbers = added.map((a) => a.e164);
  if (addedNumbers.length > 0) {
    await tx.query(
      `INSERT INTO dnc_audit (campaign_id, e164, action, source, reason, user_id, user_name, created_at)
       SELECT $1, x.e164, 'add', $4, x.reason, $5, $6, $7
       FROM unnest($2::text[], $3::text[]) AS x(e164, reason) WHERE x.e164 = ANY($8::text[])`,
      [
        campaignId,
        entries.map((e) => e.e164),
        entries.map((e) => e.reason),
        source,
        actor.userId,
        actor.userName,
        now,
        addedNumbers,
      ],
    );
    // The phone is DNC in every project (status), and leaves every queue now. A call in
    // progress keeps its lease, so its outcome can still be recorded; the phone is not handed out again.
    await tx.query(
      `UPDATE phones SET status = 'dnc', status_at = $3 WHERE campaign_id = $1 AND e164 = ANY($2::text[]) AND status <> 'dnc'`,
      [campaignId, addedNumbers, now],
    );
    const closed = await rows<{ e164: string; n: number }>(
      tx,
      `WITH c AS (
         UPDATE queue_entries q SET state = 'done', exit_reason = 'dnc', exited_at = $3
         FROM phones p WHERE p.id = q.phone_id AND p.campaign_id = $1 AND p.e164 = ANY($2::text[]) AND q.state = 'queued'
         RETURNING p.e164
       ) SELECT e164, count(*)::int AS n FROM c GROUP BY e164`,
      [campaignId, addedNumbers, now],
    );
    await tx.query(
      `INSERT INTO number_marks (e164, campaign_id, kind, marked_at)
       SELECT unnest($2::text[]), $1, 'dnc', $3 ON CONFLICT DO NOTHING`,
      [campaignId, addedNumbers, now],
    );
    const flags = await syncInstallFlags(tx, addedNumbers, now);
    for (const e164 of addedNumbers) {
      const c = result.get(e164)!;
      c.changed = true;
      c.queueEntriesClosed = closed.find((x) => x.e164 === e164)?.n ?? 0;
      c.installFlagged = flags.get(e164) ?? false;
    }
  }
  const phones = await rows<{ e164: string; status: string }>(
    tx,
    'SELECT e164, status FROM phones WHERE campaign_id = $1 AND e164 = ANY($2::text[])',
    [campaignId, entries.map((e) => e.e164)],
  );
  for (const p of phones) result.get(p.e164)!.phoneStatus = p.status;
  const flagged = await rows<{ e164: string }>(
    tx,
    'SELECT e164 FROM install_flags WHERE e164 = ANY($1::text[])',
    [entries.map((e) => e.e164)],
  );
  for (const f of flagged) result.get(f.e164)!.installFlagged = true;
  return result;
}

/** Take a number off the campaign's DNC list, undoing what listing it did (see the file comment). */
export async function removeFromDnc(
  db: Db,
  input: { campaignId: string; number: string; reason: string; actor: DncActor; now: Date },
): Promise<DncChange> {
  const e164 = dncNumber(input.number);
  const reason = dncReason(input.reason);
  const change = await transaction(db, async (tx) => {
    await lockCampaignList(tx, input.campaignId);
    const removed = await one<{ e164: string }>(
      tx,
      'WITH d AS (DELETE FROM campaign_dnc WHERE campaign_id = $1 AND e164 = $2 RETURNING e164) SELECT e164 FROM d',
      [input.campaignId, e164],
    );
    if (!removed) throw new QueueError('NOT_FOUND', `${e164} is not on this campaign's do-not-call list`);
    await tx.query(
      `INSERT INTO dnc_audit (campaign_id, e164, action, source, reason, user_id, user_name, created_at)
       VALUES ($1, $2, 'remove', 'manual', $3, $4, $5, $6)`,
      [input.campaignId, e164, reason, input.actor.userId, input.actor.userName, input.now],
    );
    await tx.query(`DELETE FROM number_marks WHERE campaign_id = $1 AND e164 = $2 AND kind = 'dnc'`, [
      input.campaignId,
      e164,
    ]);
    const flags = await syncInstallFlags(tx, [e164], input.now);

    let phoneStatus: string | null = null;
    let reopened = 0;
    const phone = await one<{ id: string; status: string }>(
      tx,
      'SELECT id, status FROM phones WHERE campaign_id = $1 AND e164 = $2 FOR UPDATE',
      [input.campaignId, e164],
    );
    if (phone) {
      phoneStatus = phone.status;
      if (phone.status === 'dnc') {
        const history = await rows<{ outcome: CallOutcome }>(
          tx,
          `SELECT outcome FROM call_attempts WHERE phone_id = $1 AND outcome IS NOT NULL ORDER BY outcome_at DESC, id`,
          [phone.id],
        );
        phoneStatus = phoneStatusAfterDncRemoval(history.map((h) => h.outcome));
        await tx.query('UPDATE phones SET status = $2::phone_status, status_at = $3 WHERE id = $1', [
          phone.id,
          phoneStatus,
          input.now,
        ]);
      }
      reopened = await reopenEntries(tx, [phone.id], input.now);
    }
    return {
      e164,
      changed: true,
      phoneStatus,
      queueEntriesClosed: 0,
      queueEntriesReopened: reopened + (flags.lifted.get(e164) ?? 0),
      installFlagged: flags.get(e164) ?? false,
    } satisfies DncChange;
  });
  await notifyCampaignActivity(db, input.campaignId);
  return change;
}

/**
 * Flag or unflag numbers on the whole install from the campaigns that mark them (SPEC §3:
 * 3 or more campaigns). A new flag closes their queued entries in every campaign (calls in
 * progress finish first); a lifted flag gives back the entries it closed where nothing else
 * keeps them out. Returns, per number, whether it is flagged now (and in `lifted`, how many
 * entries came back where a flag was lifted).
 */
async function syncInstallFlags(
  tx: Db,
  numbers: string[],
  now: Date,
): Promise<Map<string, boolean> & { lifted: Map<string, number> }> {
  // One install-wide lock: counting marks across campaigns must not interleave.
  await tx.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_KEY]);
  const counts = await rows<{ e164: string; n: number; flagged: boolean }>(
    tx,
    `SELECT x.e164, (SELECT count(DISTINCT m.campaign_id)::int FROM number_marks m WHERE m.e164 = x.e164) AS n,
            EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = x.e164) AS flagged
     FROM unnest($1::text[]) AS x(e164)`,
    [numbers],
  );
  const result = Object.assign(new Map<string, boolean>(), { lifted: new Map<string, number>() });
  const flagNow = counts.filter((c) => isInstallFlagged(c.n));
  const unflag = counts.filter((c) => !isInstallFlagged(c.n) && c.flagged);
  if (flagNow.length > 0) {
    await tx.query(
      `INSERT INTO install_flags (e164, campaign_count, flagged_at)
       SELECT unnest($1::text[]), unnest($2::int[]), $3
       ON CONFLICT (e164) DO UPDATE SET campaign_count = EXCLUDED.campaign_count`,
      [flagNow.map((c) => c.e164), flagNow.map((c) => c.n), now],
    );
    await tx.query(
      `UPDATE queue_entries q SET state = 'done', exit_reason = 'install_flag', exited_at = $2
       FROM phones p WHERE p.id = q.phone_id AND p.e164 = ANY($1::text[]) AND q.state = 'queued'
         AND q.current_attempt_id IS NULL`,
      [flagNow.map((c) => c.e164), now],
    );
  }
  if (unflag.length > 0) {
    await tx.query('DELETE FROM install_flags WHERE e164 = ANY($1::text[])', [unflag.map((c) => c.e164)]);
    for (const c of unflag) {
      const phones = await rows<{ id: string; campaign_id: string }>(
        tx,
        'SELECT id, campaign_id FROM phones WHERE e164 = $1',
        [c.e164],
      );
      result.lifted.set(
        c.e164,
        await reopenEntries(
          tx,
          phones.map((p) => p.id),
          now,
        ),
      );
      for (const campaignId of new Set(phones.map((p) => p.campaign_id)))
        await notifyCampaignActivity(tx, campaignId);
    }
  }
  for (const c of counts) result.set(c.e164, isInstallFlagged(c.n));
  return result;
}

/**
 * Queue entries of these phones that left their queue because of DNC or an install flag come
 * back when the phone may be called there again (active, not DNC-listed, not flagged, under the
 * project's attempt limit, some targeted voter reachable), at the end of the queue and after the
 * requeue delay of its last attempt. Those still kept out get the reason that now holds. Targets
 * that never got an entry (the phone was DNC when the voters were added) are queued too.
 * Returns how many entries are queued again.
 */
async function reopenEntries(tx: Db, phoneIds: string[], now: Date): Promise<number> {
  if (phoneIds.length === 0) return 0;
  const changed = await rows<{ state: string }>(
    tx,
    `WITH cand AS (
       SELECT q.id, p.status, p.attempts AS phone_attempts, p.last_attempt_at,
              coalesce(pr.attempt_limit, c.default_attempt_limit) AS lim,
              coalesce(pr.requeue_delay_minutes, c.default_requeue_delay_minutes) AS delay,
              EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = p.campaign_id AND d.e164 = p.e164) AS listed,
              EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164) AS flagged,
              EXISTS (SELECT 1 FROM project_targets t
                      JOIN voter_phones vp ON vp.voter_id = t.voter_id AND vp.phone_id = t.phone_id
                      WHERE t.project_id = q.project_id AND t.phone_id = q.phone_id AND NOT vp.wrong_number) AS reachable
       FROM queue_entries q
       JOIN phones p ON p.id = q.phone_id
       JOIN projects pr ON pr.id = q.project_id
       JOIN campaigns c ON c.id = pr.campaign_id
       WHERE q.phone_id = ANY($1::bigint[]) AND q.state = 'done' AND q.exit_reason IN ('dnc', 'install_flag')
       FOR UPDATE OF q
     ), decided AS (
       SELECT id, phone_attempts, last_attempt_at, delay,
              CASE WHEN listed OR status = 'dnc' THEN 'dnc'
                   WHEN flagged THEN 'install_flag'
                   WHEN status <> 'active' THEN status::text
                   WHEN phone_attempts >= lim THEN 'attempt_limit'
                   WHEN NOT reachable THEN 'wrong_number'
              END AS reason
       FROM cand
     )
     , reopened AS (
     UPDATE queue_entries q SET
       state = CASE WHEN d.reason IS NULL THEN 'queued'::queue_state ELSE 'done'::queue_state END,
       exit_reason = d.reason,
       exited_at = CASE WHEN d.reason IS NULL THEN NULL ELSE q.exited_at END,
       attempts = CASE WHEN d.reason IS NULL THEN d.phone_attempts ELSE q.attempts END,
       queued_at = CASE WHEN d.reason IS NULL THEN $2::timestamptz ELSE q.queued_at END,
       next_eligible_at = CASE WHEN d.reason IS NULL
                               THEN coalesce(d.last_attempt_at + make_interval(mins => d.delay), '-infinity')
                               ELSE q.next_eligible_at END
     FROM decided d WHERE q.id = d.id
     RETURNING q.state
     ) SELECT state FROM reopened`,
    [phoneIds, now],
  );
  let reopened = changed.filter((c) => c.state === 'queued').length;
  const missing = await rows<{ project_id: string; phone_id: string }>(
    tx,
    `SELECT DISTINCT t.project_id, t.phone_id FROM project_targets t
     JOIN projects pr ON pr.id = t.project_id AND pr.archived_at IS NULL
     WHERE t.phone_id = ANY($1::bigint[])
       AND NOT EXISTS (SELECT 1 FROM queue_entries q WHERE q.project_id = t.project_id AND q.phone_id = t.phone_id)`,
    [phoneIds],
  );
  const byProject = new Map<string, string[]>();
  for (const m of missing)
    byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), String(m.phone_id)]);
  for (const [projectId, phones] of byProject) reopened += await enqueueTargets(tx, projectId, now, phones);
  return reopened;
}

// ---- import --------------------------------------------------------------------------------

export interface DncImportResult {
  ok: boolean;
  /** Data lines read (the header not counted). */
  rows: number;
  /** Numbers newly listed. */
  added: number;
  /** Numbers that were on the list already (left as they were). */
  alreadyListed: number;
  /** Queue entries closed by the new numbers. */
  queueEntriesClosed: number;
  /** Per-line problems (the first `maxErrors`); nothing is imported when there is any. */
  errors: DncLineError[];
  errorCount: number;
}

/** Most numbers one file may list (a state DNC list is a few hundred thousand at most). */
export const DNC_IMPORT_MAX_ROWS = 500_000;

/**
 * Import a CSV of numbers into the campaign's DNC list: every line is checked first (a number
 * in the number column, a reason from the line or the default), and nothing is listed unless
 * every line is good. One transaction; numbers already listed are counted and left alone.
 */
export async function importDncCsv(
  db: Db,
  campaignId: string,
  source: AsyncIterable<string | Buffer>,
  options: { defaultReason: string; actor: DncActor; now: Date; maxErrors?: number },
): Promise<DncImportResult> {
  const maxErrors = options.maxErrors ?? 100;
  const defaultReason = (options.defaultReason ?? '').trim();
  const errors: DncLineError[] = [];
  let errorCount = 0;
  const fail = (e: DncLineError): void => {
    errorCount++;
    if (errors.length < maxErrors) errors.push(e);
  };
  const byNumber = new Map<string, string>();
  let columns: DncColumns | null = null;
  let dataRows = 0;
  try {
    for await (const { record, lines } of readCsv(source)) {
      if (!columns) {
        const mapped = mapDncColumns(record);
        if (!('ok' in mapped)) {
          fail(mapped);
          break;
        }
        columns = mapped.columns;
        if (columns.hasHeader) continue;
      }
      if (record.every((f) => f.trim() === '')) continue;
      dataRows++;
      if (dataRows > DNC_IMPORT_MAX_ROWS) {
        fail({ line: lines, message: `more than ${DNC_IMPORT_MAX_ROWS} numbers: split the file` });
        break;
      }
      const r = parseDncRecord(record, columns, lines, defaultReason);
      if (!r.ok) fail(r.error);
      else if (!byNumber.has(r.e164)) byNumber.set(r.e164, r.reason);
    }
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    fail({ line: e.lines ?? 0, message: `the file is not valid CSV: ${e.message ?? String(err)}` });
  }
  if (!columns && errorCount === 0) fail({ line: 1, message: 'the file is empty' });
  const base = { rows: dataRows, added: 0, alreadyListed: 0, queueEntriesClosed: 0 };
  if (errorCount > 0) return { ok: false, ...base, errors, errorCount };
  const entries = [...byNumber].map(([e164, reason]) => ({ e164, reason }));
  const changes = await transaction(db, (tx) =>
    listNumbers(tx, campaignId, entries, 'import', options.actor, options.now),
  );
  let added = 0;
  let closed = 0;
  for (const c of changes.values()) {
    if (c.changed) added++;
    closed += c.queueEntriesClosed;
  }
  await notifyCampaignActivity(db, campaignId);
  return {
    ok: true,
    rows: dataRows,
    added,
    alreadyListed: entries.length - added,
    queueEntriesClosed: closed,
    errors: [],
    errorCount: 0,
  };
}

// ---- reading -------------------------------------------------------------------------------

export interface DncEntry {
  e164: string;
  source: DncSource;
  reason: string | null;
  addedAt: Date;
  addedBy: { id: string; name: string } | null;
  /** The campaign's phone with this number (null: no voter has it). */
  phoneStatus: string | null;
  installFlagged: boolean;
}

export interface ListPage<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

/** Digits of a search term ("(212) 555" → "212555"); null when it has none. */
function searchDigits(search: string | null | undefined): string | null {
  const d = (search ?? '').replace(/\D/g, '');
  return d === '' ? null : d;
}

export async function listDnc(
  db: Db,
  campaignId: string,
  query: { search?: string | null; page: number; pageSize: number },
): Promise<ListPage<DncEntry>> {
  const digits = searchDigits(query.search);
  const total = await one<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM campaign_dnc d WHERE d.campaign_id = $1 AND ($2::text IS NULL OR d.e164 LIKE '%' || $2 || '%')`,
    [campaignId, digits],
  );
  const r = await rows<{
    e164: string;
    source: DncSource;
    reason: string | null;
    added_at: Date;
    added_by: string | null;
    added_by_name: string | null;
    phone_status: string | null;
    install_flagged: boolean;
  }>(
    db,
    `SELECT d.e164, d.source, d.reason, d.added_at, d.added_by, u.name AS added_by_name, p.status AS phone_status,
            EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = d.e164) AS install_flagged
     FROM campaign_dnc d
     LEFT JOIN users u ON u.id = d.added_by
     LEFT JOIN phones p ON p.campaign_id = d.campaign_id AND p.e164 = d.e164
     WHERE d.campaign_id = $1 AND ($2::text IS NULL OR d.e164 LIKE '%' || $2 || '%')
     ORDER BY d.added_at DESC, d.e164
     LIMIT $3 OFFSET $4`,
    [campaignId, digits, query.pageSize, (query.page - 1) * query.pageSize],
  );
  return {
    total: total?.n ?? 0,
    page: query.page,
    pageSize: query.pageSize,
    items: r.map((x) => ({
      e164: x.e164,
      source: x.source,
      reason: x.reason,
      addedAt: x.added_at,
      addedBy: x.added_by ? { id: x.added_by, name: x.added_by_name ?? '' } : null,
      phoneStatus: x.phone_status,
      installFlagged: x.install_flagged,
    })),
  };
}

export interface DncAuditRow {
  id: string;
  e164: string;
  action: 'add' | 'remove';
  source: DncSource;
  reason: string;
  user: { id: string | null; name: string | null } | null;
  at: Date;
}

export async function dncAudit(
  db: Db,
  campaignId: string,
  query: { search?: string | null; page: number; pageSize: number },
): Promise<ListPage<DncAuditRow>> {
  const digits = searchDigits(query.search);
  const total = await one<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM dnc_audit WHERE campaign_id = $1 AND ($2::text IS NULL OR e164 LIKE '%' || $2 || '%')`,
    [campaignId, digits],
  );
  const r = await rows<{
    id: string;
    e164: string;
    action: 'add' | 'remove';
    source: DncSource;
    reason: string;
    user_id: string | null;
    user_name: string | null;
    created_at: Date;
  }>(
    db,
    `SELECT id::text, e164, action, source, reason, user_id, user_name, created_at FROM dnc_audit
     WHERE campaign_id = $1 AND ($2::text IS NULL OR e164 LIKE '%' || $2 || '%')
     ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [campaignId, digits, query.pageSize, (query.page - 1) * query.pageSize],
  );
  return {
    total: total?.n ?? 0,
    page: query.page,
    pageSize: query.pageSize,
    items: r.map((x) => ({
      id: x.id,
      e164: x.e164,
      action: x.action,
      source: x.source,
      reason: x.reason,
      user: x.user_id || x.user_name ? { id: x.user_id, name: x.user_name } : null,
      at: x.created_at,
    })),
  };
}

/** The whole list as CSV (header line first), in chunks of lines; text cells are formula-safe. */
export async function* exportDncCsv(db: Db, campaignId: string): AsyncGenerator<string> {
  yield csvLine(['phone', 'source', 'reason', 'added_at', 'added_by']);
  let after = '';
  for (;;) {
    const batch = await rows<{
      e164: string;
      source: string;
      reason: string | null;
      added_at: Date;
      name: string | null;
    }>(
      db,
      `SELECT d.e164, d.source, d.reason, d.added_at, u.name FROM campaign_dnc d LEFT JOIN users u ON u.id = d.added_by
       WHERE d.campaign_id = $1 AND d.e164 > $2 ORDER BY d.e164 LIMIT 5000`,
      [campaignId, after],
    );
    if (batch.length === 0) return;
    // E.164 numbers start with "+": written as they are (the formula guard is for free text).
    yield batch
      .map((b) => `${b.e164},${csvLine([b.source, b.reason, b.added_at.toISOString(), b.name])}`)
      .join('');
    after = batch[batch.length - 1]!.e164;
  }
}
