import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { parseCallingZoneKey } from '@phonebank/domain';
import type { RowError } from './voter-csv.parser';
import { mapHeader, parseVoterRow } from './voter-csv.parser';
import type { ColumnMap, ParsedVoter } from './voter-csv.parser';
import { ensureCallingZones } from '../campaigns/calling-zones.repository';
import { invalidateClaimCache } from '../queue/claim-context';

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
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: string) => void): void {
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

function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
function copyArray(values: readonly (string | number)[]): string {
  const inner = values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
  return copyText(`{${inner}}`);
}
function copyLine(v: ParsedVoter, line: number): string {
  return [
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
  ].join('\t') + '\n';
}

/**
 * Import voters and their phones from a CSV stream into a campaign. Streams the file through
 * csv-parse, validates every row, and COPYs good rows into a staging table inside one
 * transaction; if any row is bad the transaction rolls back and nothing is imported, and the
 * report lists the bad rows by line. Otherwise the staging rows are merged by upsert on the
 * voter's external id, so importing the same file again changes nothing.
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
    ok: false, rows: 0, votersInserted: 0, votersUpdated: 0, phonesInserted: 0, phonesUpdated: 0, links: 0, errors, errorCount: 0,
  };
  const progress = (phase: ImportProgress['phase'], bytes: number): void => options.onProgress?.({ phase, rows: result.rows, bytes });

  const runner = ds.createQueryRunner();
  await runner.connect();
  const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
  await runner.startTransaction();
  let committed = false;
  try {
    await runner.query(`CREATE TEMP TABLE import_stage (
      line integer, external_id text, first_name text, middle_name text, last_name text, address_line1 text,
      address_line2 text, city text, state text, zip text, birthday date, time_zone text, tags text[], notes text,
      zone_key text, e164s text[], scores smallint[], types text[]) ON COMMIT DROP`);
    const copy = client.query(copyFrom('COPY import_stage FROM STDIN'));
    const copyDone = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    const gate = new Utf8Gate();
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
    input.on('error', (e) => gate.destroy(e));
    input.pipe(gate);
    gate.on('error', (e) => parser.destroy(e));
    gate.pipe(parser);

    let map: ColumnMap | undefined;
    const seen = new Map<string, number>();
    const zoneKeys = new Set<string>();
    let buffer = '';
    let headerSeen = false;
    const flush = async (): Promise<void> => {
      if (buffer && errorCount === 0 && !copy.write(buffer)) await once(copy, 'drain');
      buffer = '';
    };
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = item.info.lines;
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
            report({ line, column: 'voter_id', message: `duplicate voter_id "${v.externalId}" (first on line ${first})` });
          } else {
            seen.set(v.externalId, line);
            zoneKeys.add(v.zoneKey);
            if (errorCount === 0) buffer += copyLine(v, line);
          }
        }
        if (buffer.length > 1 << 16) await flush();
        if (result.rows % 50_000 === 0) progress('parsing', gate.bytes);
      }
    } catch (err) {
      if (err instanceof NotUtf8Error) report({ line: err.line, message: err.message });
      else if (err instanceof Error && 'lines' in err) {
        report({ line: Number((err as { lines: number }).lines), message: `CSV syntax error: ${err.message}` });
      } else throw err;
    }
    if (!headerSeen && errorCount === 0) report({ line: 1, message: gate.bytes === 0 ? 'the file is empty' : 'the file has no header row' });
    else if (headerSeen && map && result.rows === 0 && errorCount === 0) report({ line: 2, message: 'the file has a header but no voters' });
    await flush();
    copy.end();
    await copyDone;
    progress('parsing', gate.bytes);
    result.errorCount = errorCount;
    if (errorCount > 0) {
      await runner.rollbackTransaction();
      progress('failed', gate.bytes);
      return result;
    }

    progress('merging', gate.bytes);
    await ensureCallingZones(runner.manager, [...zoneKeys].map(parseCallingZoneKey));
    await runner.query('ANALYZE import_stage');
    const v = (await runner.query(
      `WITH up AS (
         INSERT INTO voters AS t (campaign_id, external_id, first_name, middle_name, last_name, address_line1, address_line2,
                                  city, state, zip, birthday, time_zone, calling_zone_id, tags, notes)
         SELECT $1, s.external_id, s.first_name, s.middle_name, s.last_name, s.address_line1, s.address_line2, s.city, s.state,
                s.zip, s.birthday, s.time_zone, z.id, s.tags, s.notes
         FROM import_stage s JOIN calling_zones z ON z.key = s.zone_key
         ON CONFLICT (campaign_id, external_id) DO UPDATE SET
           first_name = EXCLUDED.first_name, middle_name = EXCLUDED.middle_name, last_name = EXCLUDED.last_name,
           address_line1 = EXCLUDED.address_line1, address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city,
           state = EXCLUDED.state, zip = EXCLUDED.zip, birthday = EXCLUDED.birthday, time_zone = EXCLUDED.time_zone,
           calling_zone_id = EXCLUDED.calling_zone_id, tags = EXCLUDED.tags, notes = EXCLUDED.notes, updated_at = now()
         WHERE (t.first_name, t.middle_name, t.last_name, t.address_line1, t.address_line2, t.city, t.state, t.zip,
                t.birthday, t.time_zone, t.calling_zone_id, t.tags, t.notes)
               IS DISTINCT FROM
               (EXCLUDED.first_name, EXCLUDED.middle_name, EXCLUDED.last_name, EXCLUDED.address_line1, EXCLUDED.address_line2,
                EXCLUDED.city, EXCLUDED.state, EXCLUDED.zip, EXCLUDED.birthday, EXCLUDED.time_zone, EXCLUDED.calling_zone_id,
                EXCLUDED.tags, EXCLUDED.notes)
         RETURNING (xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS ins, count(*) FILTER (WHERE NOT inserted)::int AS upd FROM up`,
      [campaignId],
    )) as { ins: number; upd: number }[];
    result.votersInserted = v[0]!.ins;
    result.votersUpdated = v[0]!.upd;
    const p = (await runner.query(
      `WITH x AS (
         SELECT u.e164, u.score, u.type FROM import_stage s, unnest(s.e164s, s.scores, s.types) AS u(e164, score, type)
       ), agg AS (
         SELECT e164, max(score) AS score, (array_agg(type ORDER BY score DESC))[1] AS type FROM x GROUP BY e164
       ), up AS (
         INSERT INTO phones AS t (campaign_id, e164, accuracy_score, line_type)
         SELECT $1, e164, score, type::line_type FROM agg
         ON CONFLICT (campaign_id, e164) DO UPDATE SET accuracy_score = EXCLUDED.accuracy_score, line_type = EXCLUDED.line_type
         WHERE (t.accuracy_score, t.line_type) IS DISTINCT FROM (EXCLUDED.accuracy_score, EXCLUDED.line_type)
         RETURNING (xmax = 0) AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS ins, count(*) FILTER (WHERE NOT inserted)::int AS upd FROM up`,
      [campaignId],
    )) as { ins: number; upd: number }[];
    result.phonesInserted = p[0]!.ins;
    result.phonesUpdated = p[0]!.upd;
    if (result.votersInserted > 10_000 || result.phonesInserted > 10_000) await runner.query('ANALYZE voters, phones');
    const l = (await runner.query(
      `WITH ins AS (
         INSERT INTO voter_phones (voter_id, phone_id)
         SELECT v.id, p.id
         FROM import_stage s
         JOIN voters v ON v.campaign_id = $1 AND v.external_id = s.external_id
         CROSS JOIN LATERAL unnest(s.e164s) AS u(e164)
         JOIN phones p ON p.campaign_id = $1 AND p.e164 = u.e164
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [campaignId],
    )) as { n: number }[];
    result.links = l[0]!.n;
    // Fresh statistics, or the planner takes a big new table for an empty one (seq scans on the hot path).
    if (result.links > 10_000) await runner.query('ANALYZE voter_phones');
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
