import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { parseCallingZoneKey } from '@phonebank/domain';
import { readCsv } from './fast-csv';
import type { RowError } from './voter-csv.parser';
import { mapHeader, parseVoterRow } from './voter-csv.parser';
import type { ColumnMap, ParsedVoter } from './voter-csv.parser';
import { ensureCallingZones } from '../campaigns/calling-zones.repository';
import { invalidateClaimCache } from '../queue/claim-context';
import { QueueError, analyzeIfGrown } from '../sql';

export type { RowError } from './voter-csv.parser';

export interface ImportProgress {
  phase: 'parsing' | 'merging' | 'done' | 'failed';
  rows: number;
  bytes: number;
}

export interface ImportResult {
  ok: boolean;
  rows: number;
  votersInserted: number;
  votersUpdated: number;
  phonesInserted: number;
  phonesUpdated: number;
  links: number;
  /** Per-line problems (first `maxErrors` of them); nothing is imported when there is any. */
  errors: RowError[];
  errorCount: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  now?: Date;
  maxErrors?: number;
}

/** Decodes bytes as strict UTF-8, remembering the line where an invalid byte sits. */
class Utf8Gate extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  bytes = 0;
  lines = 1;
  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: string) => void,
  ): void {
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      this.bytes += chunk.length;
      this.count(text);
      done(null, text);
    } catch {
      done(new NotUtf8Error(this.invalidLine(chunk)));
    }
  }
  override _flush(done: (err?: Error | null, data?: string) => void): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(new NotUtf8Error(this.lines));
    }
  }
  private count(text: string): void {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lines++;
  }
  /** The line of the first invalid byte in this chunk. */
  private invalidLine(chunk: Buffer): number {
    const probe = new TextDecoder('utf-8', { fatal: false }).decode(chunk);
    const bad = probe.indexOf('\uFFFD');
    let line = this.lines;
    for (let i = 0; i < (bad === -1 ? 0 : bad); i++) if (probe.charCodeAt(i) === 10) line++;
    return line;
  }
}

class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`the file is not valid UTF-8 (first invalid byte on line ${line}); save it as UTF-8 and retry`);
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/;
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
function copyArray(values: readonly (string | number)[]): string {
  const inner = values
    .map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`))
    .join(',');
  return copyText(`{${inner}}`);
}
function copyLine(v: ParsedVoter, line: number): string {
  return (
    [
      String(line),
      copyText(v.externalId),
      copyText(v.firstName),
      copyText(v.middleName),
      copyText(v.lastName),
      copyText(v.addressLine1),
      copyText(v.addressLine2),
      copyText(v.city),
      copyText(v.state),
      copyText(v.zip),
      copyText(v.birthday),
      copyText(v.timeZone),
      copyArray(v.tags),
      copyText(v.notes),
      copyText(v.zoneKey),
      copyArray(v.phones.map((p) => p.e164)),
      copyArray(v.phones.map((p) => p.score)),
      copyArray(v.phones.map((p) => p.type)),
    ].join('\t') + '\n'
  );
}

/** Advisory lock space of imports (second key: the campaign). */
const IMPORT_LOCK_KEY = 72_403_100;
/** Rows per COPY batch; each batch's voters are merged while the next batch is being parsed. */
const BATCH_ROWS = 50_000;

/** Write one batch of COPY text into a table of the transaction's connection. */
async function copyInto(client: PoolClient, table: string, chunks: string[]): Promise<void> {
  const copy = client.query(copyFrom(`COPY ${table} FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
  });
  for (const c of chunks) if (!copy.write(c)) await once(copy, 'drain');
  copy.end();
  await done;
}

/**
 * Whether this connection may skip the row-by-row foreign-key triggers of voters, phones and
 * voter_phones for the transaction (`session_replication_role = replica`): only as a superuser,
 * and only while those tables have no triggers other than their foreign keys, so that nothing
 * but the FK checks is skipped. The import itself guarantees what the checks would: the
 * campaign and the calling zones are locked FOR KEY SHARE, every voter and phone a link points
 * to is inserted or locked (ON CONFLICT DO UPDATE locks the conflicting row) by this transaction.
 */
async function canSkipForeignKeyChecks(runner: { query(sql: string): Promise<unknown> }): Promise<boolean> {
  const r = (await runner.query(
    `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
        AND NOT EXISTS (SELECT 1 FROM pg_trigger
                        WHERE tgrelid IN ('voters'::regclass, 'phones'::regclass, 'voter_phones'::regclass)
                          AND NOT tgisinternal) AS ok`,
  )) as { ok: boolean }[];
  return r[0]?.ok === true;
}

/**
 * Import voters and their phones from a CSV stream into a campaign, in one transaction.
 *
 * The file is streamed through a strict CSV reader (`fast-csv.ts`) and every row validated; good rows are COPYed, in
 * batches, into a temporary staging table without indexes. Each batch's voters are upserted
 * (on the campaign's external id) while Node parses the next batch, so the two cores work at
 * once. At the end the phones are merged set-based (deduplicated, best score wins) and the
 * voter–phone links inserted from id maps kept in temporary tables, never by per-row round
 * trips. If any row is bad the transaction rolls back and nothing is imported; the report
 * lists the bad rows by line. Importing the same file again changes nothing.
 */
export async function importVotersCsv(
  ds: DataSource,
  campaignId: string,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const maxErrors = options.maxErrors ?? 1000;
  const now = options.now ?? new Date();
  const errors: RowError[] = [];
  let errorCount = 0;
  const report = (e: RowError): void => {
    errorCount++;
    if (errors.length < maxErrors) errors.push(e);
  };
  const result: ImportResult = {
    ok: false,
    rows: 0,
    votersInserted: 0,
    votersUpdated: 0,
    phonesInserted: 0,
    phonesUpdated: 0,
    links: 0,
    errors,
    errorCount: 0,
  };
  const progress = (phase: ImportProgress['phase'], bytes: number): void =>
    options.onProgress?.({ phase, rows: result.rows, bytes });

  const runner = ds.createQueryRunner();
  await runner.connect();
  const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
  await runner.startTransaction();
  let committed = false;
  try {
    // Memory for the set-based merge (hash aggregates and joins over a whole file), this transaction only.
    await runner.query(`SET LOCAL work_mem = '256MB'`);
    const skipFk = await canSkipForeignKeyChecks(runner);
    if (skipFk) await runner.query('SET LOCAL session_replication_role = replica');
    const campaign = (await runner.query('SELECT id FROM campaigns WHERE id = $1 FOR KEY SHARE', [
      campaignId,
    ])) as unknown[];
    if (campaign.length === 0) throw new QueueError('NOT_FOUND', 'campaign not found');
    // Imports into one campaign run one after the other (voters and phones are written by imports only).
    await runner.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [IMPORT_LOCK_KEY, campaignId]);
    // A campaign without voters or phones yet takes plain INSERTs: no conflict can arise under the lock.
    const fresh = (
      (await runner.query(
        `SELECT NOT EXISTS (SELECT 1 FROM voters WHERE campaign_id = $1) AND NOT EXISTS (SELECT 1 FROM phones WHERE campaign_id = $1) AS fresh`,
        [campaignId],
      )) as { fresh: boolean }[]
    )[0]!.fresh;
    const upsert = (conflict: string): string => (fresh ? '' : conflict);
    await runner.query(`CREATE TEMP TABLE import_batch (
      line integer, external_id text, first_name text, middle_name text, last_name text, address_line1 text,
      address_line2 text, city text, state text, zip text, birthday date, time_zone text, tags text[], notes text,
      zone_key text, e164s text[], scores smallint[], types text[]) ON COMMIT DROP`);
    await runner.query(
      `CREATE TEMP TABLE import_stage (voter_id bigint, external_id text, e164s text[], scores smallint[], types text[]) ON COMMIT DROP`,
    );
    await runner.query(`CREATE TEMP TABLE import_phones (e164 text, id bigint) ON COMMIT DROP`);

    const zoneIds = new Set<string>();
    /** COPY one batch and merge its voters (runs on the connection while Node parses on). */
    const mergeBatch = async (chunks: string[], keys: string[]): Promise<void> => {
      if (keys.length > 0) {
        const stored = await ensureCallingZones(runner.manager, keys.map(parseCallingZoneKey));
        // Zones are referenced without FK checks below when skipFk: keep them from going away.
        await runner.query('SELECT id FROM calling_zones WHERE id = ANY($1::int[]) FOR KEY SHARE', [
          [...stored.values()],
        ]);
      }
      await runner.query('TRUNCATE import_batch');
      await copyInto(client, 'import_batch', chunks);
      const v = (await runner.query(
        `WITH up AS (
           INSERT INTO voters AS t (campaign_id, external_id, first_name, middle_name, last_name, address_line1, address_line2,
                                    city, state, zip, birthday, time_zone, calling_zone_id, tags, notes)
           SELECT $1, s.external_id, s.first_name, s.middle_name, s.last_name, s.address_line1, s.address_line2, s.city, s.state,
                  s.zip, s.birthday, s.time_zone, z.id, s.tags, s.notes
           FROM import_batch s JOIN calling_zones z ON z.key = s.zone_key
           ${upsert(`ON CONFLICT (campaign_id, external_id) DO UPDATE SET
             first_name = EXCLUDED.first_name, middle_name = EXCLUDED.middle_name, last_name = EXCLUDED.last_name,
             address_line1 = EXCLUDED.address_line1, address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city,
             state = EXCLUDED.state, zip = EXCLUDED.zip, birthday = EXCLUDED.birthday, time_zone = EXCLUDED.time_zone,
             calling_zone_id = EXCLUDED.calling_zone_id, tags = EXCLUDED.tags, notes = EXCLUDED.notes, updated_at = now()
           WHERE (t.first_name, t.middle_name, t.last_name, t.address_line1, t.address_line2, t.city, t.state, t.zip,
                  t.birthday, t.time_zone, t.calling_zone_id, t.tags, t.notes)
                 IS DISTINCT FROM
                 (EXCLUDED.first_name, EXCLUDED.middle_name, EXCLUDED.last_name, EXCLUDED.address_line1, EXCLUDED.address_line2,
                  EXCLUDED.city, EXCLUDED.state, EXCLUDED.zip, EXCLUDED.birthday, EXCLUDED.time_zone, EXCLUDED.calling_zone_id,
                  EXCLUDED.tags, EXCLUDED.notes)`)}
           RETURNING t.id, t.external_id, (t.xmax = 0) AS inserted
         ), stage AS (
           -- Voters left unchanged are not returned: their ids are looked up once at the end.
           INSERT INTO import_stage (voter_id, external_id, e164s, scores, types)
           SELECT up.id, b.external_id, b.e164s, b.scores, b.types FROM import_batch b LEFT JOIN up ON up.external_id = b.external_id
         )
         SELECT count(*) FILTER (WHERE inserted)::int AS ins, count(*) FILTER (WHERE NOT inserted)::int AS upd FROM up`,
        [campaignId],
      )) as { ins: number; upd: number }[];
      result.votersInserted += v[0]!.ins;
      result.votersUpdated += v[0]!.upd;
    };

    const gate = new Utf8Gate();
    gate.setEncoding('utf8');
    input.on('error', (e) => gate.destroy(e));
    input.pipe(gate);

    let map: ColumnMap | undefined;
    const seen = new Map<string, number>();
    let batch: string[] = [];
    let buffer = '';
    let batchRows = 0;
    let batchKeys: string[] = [];
    let merging: Promise<void> = Promise.resolve();
    let mergeError: unknown;
    let headerSeen = false;
    /** Hand the batch to the connection; wait for the previous one first (one statement at a time). */
    const flushBatch = async (): Promise<void> => {
      if (buffer) batch.push(buffer);
      buffer = '';
      await merging;
      if (mergeError) throw mergeError;
      if (batch.length && errorCount === 0) {
        const chunks = batch;
        const keys = batchKeys;
        merging = mergeBatch(chunks, keys).catch((e: unknown) => {
          mergeError = e;
        });
      }
      batch = [];
      batchKeys = [];
      batchRows = 0;
    };
    try {
      for await (const item of readCsv(gate as AsyncIterable<string>)) {
        const line = item.lines;
        if (!headerSeen) {
          headerSeen = true;
          const h = mapHeader(item.record);
          h.errors.forEach(report);
          map = h.map;
          if (!map) break;
          continue;
        }
        result.rows++;
        const parsed = parseVoterRow(item.record, line, map!, now);
        parsed.errors.forEach(report);
        const v = parsed.voter;
        if (v) {
          const first = seen.get(v.externalId);
          if (first !== undefined) {
            report({
              line,
              column: 'voter_id',
              message: `duplicate voter_id "${v.externalId}" (first on line ${first})`,
            });
          } else {
            seen.set(v.externalId, line);
            if (!zoneIds.has(v.zoneKey)) {
              zoneIds.add(v.zoneKey);
              batchKeys.push(v.zoneKey);
            }
            if (errorCount === 0) {
              buffer += copyLine(v, line);
              batchRows++;
            }
          }
        }
        if (buffer.length > 1 << 16) {
          batch.push(buffer);
          buffer = '';
        }
        if (batchRows >= BATCH_ROWS) await flushBatch();
        if (result.rows % 10_000 === 0) progress('parsing', gate.bytes);
      }
    } catch (err) {
      if (err instanceof NotUtf8Error) report({ line: err.line, message: err.message });
      else if (err instanceof Error && 'lines' in err) {
        report({
          line: Number((err as { lines: number }).lines),
          message: `CSV syntax error: ${err.message}`,
        });
      } else throw err;
    }
    if (!headerSeen && errorCount === 0)
      report({ line: 1, message: gate.bytes === 0 ? 'the file is empty' : 'the file has no header row' });
    else if (headerSeen && map && result.rows === 0 && errorCount === 0)
      report({ line: 2, message: 'the file has a header but no voters' });
    await flushBatch();
    await merging;
    if (mergeError) throw mergeError;
    progress('parsing', gate.bytes);
    result.errorCount = errorCount;
    if (errorCount > 0) {
      await runner.rollbackTransaction();
      progress('failed', gate.bytes);
      return result;
    }

    progress('merging', gate.bytes);
    // Voters the file left unchanged were not returned by their upsert: look their ids up.
    if (result.votersInserted + result.votersUpdated < seen.size) {
      await runner.query(
        `UPDATE import_stage s SET voter_id = v.id FROM voters v
         WHERE s.voter_id IS NULL AND v.campaign_id = $1 AND v.external_id = s.external_id`,
        [campaignId],
      );
    }
    // Each number once, with its best score (and that score's line type); inserted in number order.
    const p = (await runner.query(
      `WITH agg AS (
         SELECT u.e164 COLLATE "C" AS e164, max(u.score) AS score, (array_agg(u.type ORDER BY u.score DESC))[1] AS type
         FROM import_stage s, unnest(s.e164s, s.scores, s.types) AS u(e164, score, type)
         GROUP BY 1
       ), up AS (
         INSERT INTO phones AS t (campaign_id, e164, accuracy_score, line_type)
         SELECT $1, e164, score, type::line_type FROM agg ORDER BY e164
         ${upsert(`ON CONFLICT (campaign_id, e164) DO UPDATE SET accuracy_score = EXCLUDED.accuracy_score, line_type = EXCLUDED.line_type
         WHERE (t.accuracy_score, t.line_type) IS DISTINCT FROM (EXCLUDED.accuracy_score, EXCLUDED.line_type)`)}
         RETURNING t.id, t.e164, (t.xmax = 0) AS inserted
       ), ids AS (
         INSERT INTO import_phones (e164, id) SELECT e164, id FROM up
       )
       SELECT count(*) FILTER (WHERE inserted)::int AS ins, count(*) FILTER (WHERE NOT inserted)::int AS upd,
              (SELECT count(*) FROM agg)::int AS distinct_numbers
       FROM up`,
      [campaignId],
    )) as { ins: number; upd: number; distinct_numbers: number }[];
    result.phonesInserted = p[0]!.ins;
    result.phonesUpdated = p[0]!.upd;
    if (result.phonesInserted + result.phonesUpdated < p[0]!.distinct_numbers) {
      await runner.query(
        `INSERT INTO import_phones (e164, id)
         SELECT x.e164, p.id
         FROM (SELECT DISTINCT u.e164 FROM import_stage s, unnest(s.e164s) AS u(e164)) x
         JOIN phones p ON p.campaign_id = $1 AND p.e164 = x.e164
         WHERE NOT EXISTS (SELECT 1 FROM import_phones m WHERE m.e164 = x.e164)`,
        [campaignId],
      );
    }
    const l = (await runner.query(
      `WITH ins AS (
         INSERT INTO voter_phones (voter_id, phone_id)
         SELECT s.voter_id, p.id
         FROM import_stage s
         CROSS JOIN LATERAL unnest(s.e164s) AS u(e164)
         JOIN import_phones p ON p.e164 = u.e164
         ${upsert('ON CONFLICT DO NOTHING')} RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
    )) as { n: number }[];
    result.links = l[0]!.n;
    if (skipFk) await runner.query('SET LOCAL session_replication_role = origin');
    // Fresh statistics, or the planner takes a big new table for an empty one (seq scans on the hot path).
    await analyzeIfGrown(runner.manager, 'voters', result.votersInserted);
    await analyzeIfGrown(runner.manager, 'phones', result.phonesInserted);
    await analyzeIfGrown(runner.manager, 'voter_phones', result.links);
    if (result.phonesUpdated > 0) {
      await runner.query(
        `UPDATE queue_entries q SET accuracy_score = p.accuracy_score FROM phones p
         WHERE p.id = q.phone_id AND q.campaign_id = $1 AND q.accuracy_score <> p.accuracy_score`,
        [campaignId],
      );
    }
    await runner.commitTransaction();
    committed = true;
    invalidateClaimCache(ds);
    result.ok = true;
    progress('done', gate.bytes);
    return result;
  } finally {
    if (!committed && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}
