import type { CallingZone, StateCallingRule } from '@phonebank/domain';
import { DEFAULT_STATE_RULES, callingZoneKey, normalizeZone } from '@phonebank/domain';
import type { Db } from '../sql';
import { rows } from '../sql';
import { invalidateClaimCache } from '../queue/claim-context';

export interface StoredZone {
  id: number;
  zone: CallingZone;
}

/** Store the zones (idempotent) and return key → id. */
export async function ensureCallingZones(
  db: Db,
  zones: readonly CallingZone[],
): Promise<Map<string, number>> {
  const byKey = new Map<string, CallingZone>();
  for (const z of zones) byKey.set(callingZoneKey(z), normalizeZone(z));
  if (byKey.size === 0) return new Map();
  const keys = [...byKey.keys()];
  await db.query(
    `INSERT INTO calling_zones (key, time_zones, states)
     SELECT k, string_to_array(split_part(k, '|', 1), ','), coalesce(string_to_array(nullif(split_part(k, '|', 2), ''), ','), '{}')
     FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO NOTHING`,
    [keys],
  );
  const found = await rows<{ id: number; key: string }>(
    db,
    'SELECT id, key FROM calling_zones WHERE key = ANY($1::text[])',
    [keys],
  );
  return new Map(found.map((r) => [r.key, r.id]));
}

export async function loadCallingZones(db: Db): Promise<StoredZone[]> {
  const r = await rows<{ id: number; time_zones: string[]; states: string[] }>(
    db,
    'SELECT id, time_zones, states FROM calling_zones',
  );
  return r.map((z) => ({ id: z.id, zone: { timeZones: z.time_zones, states: z.states } }));
}

interface RuleRow {
  state: string;
  window_start: number;
  window_end: number;
  weekdays: Record<string, { start: number; end: number } | null>;
}

/** The campaign's editable state rules (seeded from DEFAULT_STATE_RULES when it is created). */
export async function loadStateRules(db: Db, campaignId: string): Promise<StateCallingRule[]> {
  const r = await rows<RuleRow>(
    db,
    'SELECT state, window_start, window_end, weekdays FROM campaign_calling_rules WHERE campaign_id = $1',
    [campaignId],
  );
  return r.map((x) => ({
    state: x.state.trim(),
    window: { start: x.window_start, end: x.window_end },
    weekdays: Object.fromEntries(Object.entries(x.weekdays).map(([k, v]) => [Number(k), v])),
  }));
}

/** Replace one state's rule for a campaign (or remove it with `rule = null`). */
export async function setStateRule(
  db: Db,
  campaignId: string,
  state: string,
  rule: StateCallingRule | null,
): Promise<void> {
  invalidateClaimCache(db);
  if (!rule) {
    await db.query('DELETE FROM campaign_calling_rules WHERE campaign_id = $1 AND state = $2', [
      campaignId,
      state,
    ]);
    return;
  }
  await db.query(
    `INSERT INTO campaign_calling_rules (campaign_id, state, window_start, window_end, weekdays)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (campaign_id, state) DO UPDATE SET window_start = EXCLUDED.window_start,
       window_end = EXCLUDED.window_end, weekdays = EXCLUDED.weekdays`,
    [campaignId, state, rule.window.start, rule.window.end, JSON.stringify(rule.weekdays ?? {})],
  );
}

export async function seedDefaultStateRules(db: Db, campaignId: string): Promise<void> {
  for (const rule of DEFAULT_STATE_RULES) await setStateRule(db, campaignId, rule.state, rule);
}
