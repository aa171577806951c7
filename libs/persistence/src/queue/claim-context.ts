import { DataSource } from 'typeorm';
import type { ProjectHours, QueuePolicy, StateCallingRule } from '@phonebank/domain';
import { isVoterCallable, resolveQueuePolicy } from '@phonebank/domain';
import type { Db } from '../sql';
import { one } from '../sql';
import type { StoredZone } from '../campaigns/calling-zones.repository';
import { loadCallingZones, loadStateRules } from '../campaigns/calling-zones.repository';

/** What a claim needs to know about a project, besides the queue itself. */
export interface ProjectClaimSettings {
  projectId: string;
  campaignId: string;
  hours: ProjectHours;
  policy: QueuePolicy;
  birthdayMode: boolean;
  archived: boolean;
}

interface ProjectRow {
  id: string;
  campaign_id: string;
  time_zone: string;
  hours_start: number;
  hours_end: number;
  weekdays: number[];
  attempt_limit: number | null;
  requeue_delay_minutes: number | null;
  default_attempt_limit: number;
  default_requeue_delay_minutes: number;
  birthday_mode: boolean;
  archived_at: Date | null;
}

export async function loadProjectClaimSettings(
  db: Db,
  projectId: string,
): Promise<ProjectClaimSettings | undefined> {
  const p = await one<ProjectRow>(
    db,
    `SELECT p.id, p.campaign_id, p.time_zone, p.hours_start, p.hours_end, p.weekdays, p.attempt_limit,
            p.requeue_delay_minutes, c.default_attempt_limit, c.default_requeue_delay_minutes, p.birthday_mode, p.archived_at
     FROM projects p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = $1`,
    [projectId],
  );
  if (!p) return undefined;
  return {
    projectId: p.id,
    campaignId: p.campaign_id,
    hours: { timeZone: p.time_zone, start: p.hours_start, end: p.hours_end, weekdays: p.weekdays },
    policy: resolveQueuePolicy(
      { attemptLimit: p.default_attempt_limit, requeueDelayMinutes: p.default_requeue_delay_minutes },
      { attemptLimit: p.attempt_limit, requeueDelayMinutes: p.requeue_delay_minutes },
    ),
    birthdayMode: p.birthday_mode,
    archived: p.archived_at !== null,
  };
}

const TTL_MS = 10_000;

interface CacheState {
  zones?: { at: number; zones: StoredZone[] };
  rules: Map<string, { at: number; rules: StateCallingRule[] }>;
  projects: Map<string, { at: number; settings: ProjectClaimSettings | undefined }>;
  open: Map<string, { minute: number; ids: number[] }>;
}

const caches = new WeakMap<DataSource, CacheState>();

function dataSourceOf(db: Db): DataSource {
  return db instanceof DataSource ? db : db.connection;
}

function cacheOf(db: Db): CacheState {
  const ds = dataSourceOf(db);
  let c = caches.get(ds);
  if (!c) {
    c = { rules: new Map(), projects: new Map(), open: new Map() };
    caches.set(ds, c);
  }
  return c;
}

/** Forget cached projects, zones and rules (after imports, targeting or settings changes). */
export function invalidateClaimCache(db: Db): void {
  caches.delete(dataSourceOf(db));
}

/**
 * Project settings and the calling zones open at `now`, cached for a few seconds: the claim
 * is the hot path and these change rarely. The open set is recomputed each minute, since
 * calling windows are whole minutes.
 */
export async function claimContext(
  db: Db,
  projectId: string,
  now: Date,
): Promise<{ settings: ProjectClaimSettings; openZoneIds: number[] } | undefined> {
  const cache = cacheOf(db);
  const t = Date.now();
  let p = cache.projects.get(projectId);
  if (!p || t - p.at > TTL_MS) {
    p = { at: t, settings: await loadProjectClaimSettings(db, projectId) };
    cache.projects.set(projectId, p);
  }
  const settings = p.settings;
  if (!settings) return undefined;
  if (!cache.zones || t - cache.zones.at > TTL_MS) {
    cache.zones = { at: t, zones: await loadCallingZones(db) };
    cache.open.clear();
  }
  let r = cache.rules.get(settings.campaignId);
  if (!r || t - r.at > TTL_MS) {
    r = { at: t, rules: await loadStateRules(db, settings.campaignId) };
    cache.rules.set(settings.campaignId, r);
    cache.open.delete(settings.campaignId);
  }
  const minute = Math.floor(now.getTime() / 60_000);
  let open = cache.open.get(settings.campaignId);
  if (!open || open.minute !== minute) {
    const rules = r.rules;
    open = {
      minute,
      ids: cache.zones.zones.filter((z) => isVoterCallable(now, z.zone, rules)).map((z) => z.id),
    };
    cache.open.set(settings.campaignId, open);
  }
  return { settings, openZoneIds: open.ids };
}
