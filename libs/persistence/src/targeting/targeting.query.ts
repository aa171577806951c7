import { DateTime } from 'luxon';
import { callingZoneKey, mergeCallingZones, parseCallingZoneKey } from '@phonebank/domain';
import type { Db } from '../sql';
import { QueueError, analyzeIfGrown, one, rows } from '../sql';
import { ensureCallingZones } from '../campaigns/calling-zones.repository';
import { invalidateClaimCache, loadProjectClaimSettings } from '../queue/claim-context';

/** Targeting filters: every given filter must match. */
export interface TargetFilter {
  tagsAny?: string[];
  tagsAll?: string[];
  tagsNone?: string[];
  /** Voters in any of these groups (set by survey answers). */
  groupsAny?: string[];
  minAge?: number;
  maxAge?: number;
  /** Birthdays from..to as MM-DD, inclusive (wraps over New Year when from > to). */
  birthdayFrom?: string;
  birthdayTo?: string;
  states?: string[];
  cities?: string[];
  zips?: string[];
  zipPrefix?: string;
  /** true: only voters with a number not flagged wrong; false: only voters without one. */
  hasPhone?: boolean;
  voterIds?: string[];
}

function mmdd(s: string): number {
  const m = /^(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new QueueError('INVALID_INPUT', `birthday bound must be MM-DD, got ${s}`);
  return Number(m[1]) * 100 + Number(m[2]);
}

/** The WHERE clause (over alias v) of a filter; `today` is the date ages are counted on. */
export function buildVoterFilter(
  campaignId: string,
  f: TargetFilter,
  today: string,
): { where: string; params: unknown[] } {
  const params: unknown[] = [campaignId];
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const c: string[] = ['v.campaign_id = $1'];
  if (f.tagsAny?.length) c.push(`v.tags && ${add(f.tagsAny)}::text[]`);
  if (f.tagsAll?.length) c.push(`v.tags @> ${add(f.tagsAll)}::text[]`);
  if (f.tagsNone?.length) c.push(`NOT (v.tags && ${add(f.tagsNone)}::text[])`);
  if (f.groupsAny?.length) c.push(`v.groups && ${add(f.groupsAny)}::text[]`);
  if (f.minAge !== undefined)
    c.push(`v.birthday <= ${add(today)}::date - make_interval(years => ${add(f.minAge)})`);
  if (f.maxAge !== undefined)
    c.push(`v.birthday > ${add(today)}::date - make_interval(years => ${add(f.maxAge + 1)})`);
  if (f.birthdayFrom || f.birthdayTo) {
    const from = mmdd(f.birthdayFrom ?? '01-01');
    const to = mmdd(f.birthdayTo ?? '12-31');
    const key = '(extract(month FROM v.birthday) * 100 + extract(day FROM v.birthday))';
    c.push(
      from <= to
        ? `${key} BETWEEN ${add(from)} AND ${add(to)}`
        : `(${key} >= ${add(from)} OR ${key} <= ${add(to)})`,
    );
  }
  if (f.states?.length) c.push(`v.state = ANY(${add(f.states.map((s) => s.toUpperCase()))}::text[])`);
  if (f.cities?.length) c.push(`lower(v.city) = ANY(${add(f.cities.map((s) => s.toLowerCase()))}::text[])`);
  if (f.zips?.length) c.push(`left(v.zip, 5) = ANY(${add(f.zips.map((z) => z.slice(0, 5)))}::text[])`);
  if (f.zipPrefix) c.push(`v.zip LIKE ${add(f.zipPrefix.replace(/[%_\\]/g, ''))} || '%'`);
  if (f.voterIds?.length) c.push(`v.id = ANY(${add(f.voterIds)}::bigint[])`);
  if (f.hasPhone !== undefined) {
    c.push(
      `${f.hasPhone ? '' : 'NOT '}EXISTS (SELECT 1 FROM voter_phones vp WHERE vp.voter_id = v.id AND NOT vp.wrong_number)`,
    );
  }
  return { where: c.join(' AND '), params };
}

export async function countVoters(
  db: Db,
  campaignId: string,
  filter: TargetFilter,
  today: string,
): Promise<number> {
  const { where, params } = buildVoterFilter(campaignId, filter, today);
  const r = await one<{ n: string }>(db, `SELECT count(*) n FROM voters v WHERE ${where}`, params);
  return Number(r?.n ?? 0);
}

export interface SaveTargetsResult {
  votersMatched: number;
  votersWithPhone: number;
  suppressed: number;
  targetsAdded: number;
  phonesQueued: number;
}

/**
 * Save the voters matching a filter into a project: each voter's best callable number
 * (highest accuracy score, not wrong for them, not DNC anywhere that counts) becomes a target,
 * and its phone is queued. With `suppressDays`, a phone called in another project within that
 * many days is skipped.
 */
export async function saveTargetsIntoProject(
  db: Db,
  input: {
    projectId: string;
    campaignId: string;
    filter: TargetFilter;
    suppressDays?: number | null;
    now: Date;
  },
): Promise<SaveTargetsResult> {
  const settings = await loadProjectClaimSettings(db, input.projectId);
  if (!settings || settings.campaignId !== input.campaignId)
    throw new QueueError('NOT_FOUND', 'project not found');
  const today = DateTime.fromJSDate(input.now, { zone: settings.hours.timeZone }).toISODate() as string;
  const { where, params } = buildVoterFilter(input.campaignId, input.filter, today);
  const n = params.length;
  const r = await one<{ matched: string; with_phone: string; kept: string; added: string }>(
    db,
    `WITH v AS (SELECT v.id FROM voters v WHERE ${where}),
     best AS (
       SELECT DISTINCT ON (v.id) v.id AS voter_id, p.id AS phone_id
       FROM v
       JOIN voter_phones vp ON vp.voter_id = v.id AND NOT vp.wrong_number
       JOIN phones p ON p.id = vp.phone_id AND p.status = 'active'
       WHERE NOT EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = p.campaign_id AND d.e164 = p.e164)
         AND NOT EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164)
       ORDER BY v.id, p.accuracy_score DESC, p.id
     ),
     kept AS (
       SELECT best.* FROM best
       WHERE ($${n + 2}::int IS NULL OR NOT EXISTS (
               SELECT 1 FROM call_attempts a
               WHERE a.phone_id = best.phone_id AND a.project_id <> $${n + 1}
                 AND (a.outcome IS NOT NULL OR a.dial_started_at IS NOT NULL)
                 AND a.claimed_at >= $${n + 3}::timestamptz - make_interval(days => $${n + 2}::int)))
         AND NOT EXISTS (SELECT 1 FROM project_targets t WHERE t.project_id = $${n + 1} AND t.voter_id = best.voter_id)
     ),
     ins AS (
       INSERT INTO project_targets (project_id, phone_id, voter_id)
       SELECT $${n + 1}, phone_id, voter_id FROM kept ON CONFLICT DO NOTHING RETURNING phone_id
     )
     SELECT (SELECT count(*) FROM v) AS matched, (SELECT count(*) FROM best) AS with_phone,
            (SELECT count(*) FROM kept) AS kept, (SELECT count(*) FROM ins) AS added`,
    [...params, input.projectId, input.suppressDays ?? null, input.now],
  );
  await analyzeIfGrown(db, 'project_targets', Number(r!.added));
  const queued = await enqueueTargets(db, input.projectId, input.now);
  await analyzeIfGrown(db, 'queue_entries', queued);
  return {
    votersMatched: Number(r!.matched),
    votersWithPhone: Number(r!.with_phone),
    suppressed: Number(r!.with_phone) - Number(r!.kept),
    targetsAdded: Number(r!.added),
    phonesQueued: queued,
  };
}

/**
 * Create or refresh the queue entries of a project's targets (all, or the given phones).
 * A phone is queued only while it may still be called: active, not DNC, not flagged
 * install-wide, under the attempt limit, and not wrong for every targeted voter. Its calling
 * zone is the union of its targeted voters' zones; birthday keys are kept for birthday mode.
 */
export async function enqueueTargets(
  db: Db,
  projectId: string,
  now: Date,
  phoneIds: string[] | null = null,
): Promise<number> {
  const settings = await loadProjectClaimSettings(db, projectId);
  if (!settings) throw new QueueError('NOT_FOUND', 'project not found');
  const combos = await rows<{ zones: number[] }>(
    db,
    `SELECT DISTINCT zones FROM (
       SELECT array_agg(DISTINCT v.calling_zone_id ORDER BY v.calling_zone_id) AS zones
       FROM project_targets t JOIN voters v ON v.id = t.voter_id
       WHERE t.project_id = $1 AND ($2::bigint[] IS NULL OR t.phone_id = ANY($2::bigint[]))
       GROUP BY t.phone_id HAVING count(DISTINCT v.calling_zone_id) > 1) x`,
    [projectId, phoneIds],
  );
  const comboKeys: string[] = [];
  const mergedIds: number[] = [];
  if (combos.length > 0) {
    const ids = [...new Set(combos.flatMap((c) => c.zones))];
    const zr = await rows<{ id: number; key: string }>(
      db,
      'SELECT id, key FROM calling_zones WHERE id = ANY($1::int[])',
      [ids],
    );
    const byId = new Map(zr.map((z) => [z.id, parseCallingZoneKey(z.key)]));
    const merged = combos.map((c) => mergeCallingZones(c.zones.map((id) => byId.get(id)!)));
    const stored = await ensureCallingZones(db, merged);
    combos.forEach((c, i) => {
      comboKeys.push(c.zones.join(','));
      mergedIds.push(stored.get(callingZoneKey(merged[i]!))!);
    });
    invalidateClaimCache(db);
  }
  const r = await rows<{ id: string }>(
    db,
    `WITH agg AS (
       SELECT t.phone_id,
              array_agg(DISTINCT v.calling_zone_id ORDER BY v.calling_zone_id) AS zones,
              array_agg(DISTINCT (extract(month FROM v.birthday) * 100 + extract(day FROM v.birthday))::smallint)
                FILTER (WHERE v.birthday IS NOT NULL) AS bkeys,
              bool_or(NOT vp.wrong_number) AS someone_reachable
       FROM project_targets t
       JOIN voters v ON v.id = t.voter_id
       JOIN voter_phones vp ON vp.voter_id = t.voter_id AND vp.phone_id = t.phone_id
       WHERE t.project_id = $1 AND ($2::bigint[] IS NULL OR t.phone_id = ANY($2::bigint[]))
       GROUP BY t.phone_id
     ), merges AS (
       SELECT unnest($3::text[]) AS combo, unnest($4::int[]) AS merged
     )
     INSERT INTO queue_entries (project_id, campaign_id, phone_id, accuracy_score, attempts, queued_at, next_eligible_at,
                                calling_zone_id, birthday_keys)
     SELECT $1, p.campaign_id, p.id, p.accuracy_score, p.attempts, $5::timestamptz,
            coalesce(p.last_attempt_at + make_interval(mins => $6::int), '-infinity'),
            coalesce(m.merged, agg.zones[1]), agg.bkeys
     FROM agg
     JOIN phones p ON p.id = agg.phone_id
     LEFT JOIN merges m ON m.combo = array_to_string(agg.zones, ',')
     WHERE agg.someone_reachable AND p.status = 'active' AND p.attempts < $7
       AND NOT EXISTS (SELECT 1 FROM campaign_dnc d WHERE d.campaign_id = p.campaign_id AND d.e164 = p.e164)
       AND NOT EXISTS (SELECT 1 FROM install_flags f WHERE f.e164 = p.e164)
     ON CONFLICT (project_id, phone_id) DO UPDATE
       SET calling_zone_id = EXCLUDED.calling_zone_id, birthday_keys = EXCLUDED.birthday_keys
       WHERE queue_entries.state = 'queued'
     RETURNING id`,
    [
      projectId,
      phoneIds,
      comboKeys,
      mergedIds,
      now,
      settings.policy.requeueDelayMinutes,
      settings.policy.attemptLimit,
    ],
  );
  return r.length;
}
