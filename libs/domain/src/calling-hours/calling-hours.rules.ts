import { DateTime } from 'luxon';
import { ALL_US_TIME_ZONES, AREA_CODE_STATE, STATE_TIME_ZONES } from './us-time-zones.table';

/** A local time of day as minutes after midnight. */
export type MinuteOfDay = number;

export function parseTimeOfDay(hhmm: string): MinuteOfDay {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(hhmm.trim());
  if (!m) throw new RangeError(`not a time of day (HH:MM): ${hhmm}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw new RangeError(`not a time of day (HH:MM): ${hhmm}`);
  return minutes;
}

export function formatTimeOfDay(minutes: MinuteOfDay): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A daily window [start, end) in local time; ISO weekdays 1 (Mon) … 7 (Sun). */
export interface DailyWindow {
  start: MinuteOfDay;
  end: MinuteOfDay;
}

/** The federal (TCPA) window in the voter's local time: 08:00–21:00. */
export const FEDERAL_WINDOW: Readonly<DailyWindow> = Object.freeze({ start: 8 * 60, end: 21 * 60 });

/** A state's stricter rule. `weekdays` overrides the window per ISO weekday; null = no calls. */
export interface StateCallingRule {
  state: string;
  window: DailyWindow;
  weekdays?: Partial<Record<number, DailyWindow | null>>;
}

/**
 * Default state rules, from state telemarketing statutes as commonly summarised. Political
 * calls are exempt in some states; campaigns review and edit this table (it is stored per
 * campaign). It is a starting point, not legal advice.
 */
export const DEFAULT_STATE_RULES: readonly StateCallingRule[] = [
  { state: 'AL', window: { start: 480, end: 1200 }, weekdays: { 7: null } },
  { state: 'CT', window: { start: 540, end: 1200 } },
  { state: 'FL', window: { start: 480, end: 1200 } },
  { state: 'LA', window: { start: 480, end: 1200 }, weekdays: { 7: null } },
  { state: 'MA', window: { start: 480, end: 1200 } },
  { state: 'MD', window: { start: 480, end: 1200 } },
  { state: 'MS', window: { start: 480, end: 1200 }, weekdays: { 7: null } },
  { state: 'OK', window: { start: 480, end: 1200 } },
  { state: 'TX', window: { start: 540, end: 1260 }, weekdays: { 7: { start: 720, end: 1260 } } },
  { state: 'WA', window: { start: 480, end: 1200 } },
];

/** Where a voter may be: every candidate time zone, and the states whose rules apply. */
export interface CallingZone {
  timeZones: readonly string[];
  states: readonly string[];
}

export interface VoterLocation {
  /** An explicit IANA time zone, when the voter file has one. */
  timeZone?: string | null;
  /** Two-letter state of the address. */
  state?: string | null;
  /** Area codes of the voter's phones, used only when nothing better is known. */
  areaCodes?: readonly (string | null)[];
}

export function isValidTimeZone(tz: string): boolean {
  return DateTime.local().setZone(tz).isValid;
}

/**
 * Resolve where a voter may be. An explicit zone wins; then the address state; then the
 * area codes. Where that is ambiguous, all candidates are kept (the caller applies the
 * strictest). Nothing known: every US zone.
 */
export function resolveCallingZone(loc: VoterLocation): CallingZone {
  const state = loc.state?.trim().toUpperCase() || null;
  if (loc.timeZone && isValidTimeZone(loc.timeZone)) {
    return normalizeZone({ timeZones: [loc.timeZone], states: state ? [state] : [] });
  }
  if (state && STATE_TIME_ZONES[state])
    return normalizeZone({ timeZones: STATE_TIME_ZONES[state], states: [state] });
  const states = [...new Set((loc.areaCodes ?? []).map((c) => (c ? AREA_CODE_STATE[c] : undefined)))];
  if (states.length > 0 && states.every((s): s is string => s !== undefined)) {
    return normalizeZone({ timeZones: states.flatMap((s) => STATE_TIME_ZONES[s] ?? []), states });
  }
  return normalizeZone({ timeZones: ALL_US_TIME_ZONES, states: [] });
}

/** The zone of a household: the union, so that every voter's window is respected. */
export function mergeCallingZones(zones: readonly CallingZone[]): CallingZone {
  return normalizeZone({
    timeZones: zones.flatMap((z) => z.timeZones),
    states: zones.flatMap((z) => z.states),
  });
}

export function normalizeZone(zone: CallingZone): CallingZone {
  return { timeZones: [...new Set(zone.timeZones)].sort(), states: [...new Set(zone.states)].sort() };
}

/** A stable key for a zone, as stored in the calling_zones table. */
export function callingZoneKey(zone: CallingZone): string {
  const z = normalizeZone(zone);
  return `${z.timeZones.join(',')}|${z.states.join(',')}`;
}

export function parseCallingZoneKey(key: string): CallingZone {
  const [tzs = '', states = ''] = key.split('|');
  return { timeZones: tzs ? tzs.split(',') : [], states: states ? states.split(',') : [] };
}

function windowFor(rule: StateCallingRule | undefined, weekday: number): DailyWindow | null {
  if (!rule) return FEDERAL_WINDOW;
  const w = rule.weekdays && weekday in rule.weekdays ? rule.weekdays[weekday] : rule.window;
  if (!w) return null;
  return { start: Math.max(w.start, FEDERAL_WINDOW.start), end: Math.min(w.end, FEDERAL_WINDOW.end) };
}

/**
 * Whether a voter in `zone` may be called at `now`: 08:00–21:00 local (narrowed by the rules
 * of the zone's states) in every candidate time zone. Local time comes from the IANA rules,
 * so it is right on both sides of a DST change.
 */
export function isVoterCallable(
  now: Date,
  zone: CallingZone,
  stateRules: readonly StateCallingRule[] = DEFAULT_STATE_RULES,
): boolean {
  const rules = new Map(stateRules.map((r) => [r.state, r]));
  const timeZones = zone.timeZones.length > 0 ? zone.timeZones : ALL_US_TIME_ZONES;
  for (const tz of timeZones) {
    const local = DateTime.fromJSDate(now, { zone: tz });
    if (!local.isValid) return false;
    const minute = local.hour * 60 + local.minute;
    const windows =
      zone.states.length > 0
        ? zone.states.map((s) => windowFor(rules.get(s), local.weekday))
        : [FEDERAL_WINDOW];
    for (const w of windows) {
      if (!w || minute < w.start || minute >= w.end) return false;
    }
  }
  return true;
}

/** A project's calling window, in the project's own time zone. */
export interface ProjectHours {
  timeZone: string;
  start: MinuteOfDay;
  end: MinuteOfDay;
  /** ISO weekdays the project is open; empty or absent means every day. */
  weekdays?: readonly number[];
}

export function isProjectOpen(now: Date, hours: ProjectHours): boolean {
  const local = DateTime.fromJSDate(now, { zone: hours.timeZone });
  if (!local.isValid) return false;
  if (hours.weekdays && hours.weekdays.length > 0 && !hours.weekdays.includes(local.weekday)) return false;
  const minute = local.hour * 60 + local.minute;
  return minute >= hours.start && minute < hours.end;
}

/**
 * When a closed project opens next (the instant, in UTC), or `now` if it is open. Null if it
 * never opens (empty window). Walks local days, so a DST change between now and the opening
 * is handled by the zone rules; an opening time that does not exist on a spring-forward day
 * moves to the first valid instant after it.
 */
export function nextOpening(now: Date, hours: ProjectHours): Date | null {
  if (hours.end <= hours.start) return null;
  if (isProjectOpen(now, hours)) return now;
  const local = DateTime.fromJSDate(now, { zone: hours.timeZone });
  for (let day = 0; day <= 8; day++) {
    const date = local.startOf('day').plus({ days: day });
    if (hours.weekdays && hours.weekdays.length > 0 && !hours.weekdays.includes(date.weekday)) continue;
    const opening = DateTime.fromObject(
      {
        year: date.year,
        month: date.month,
        day: date.day,
        hour: Math.floor(hours.start / 60),
        minute: hours.start % 60,
      },
      { zone: hours.timeZone },
    );
    if (opening.toMillis() > now.getTime()) return opening.toJSDate();
  }
  return null;
}

/** Zones tried by `daytimeZone`, spread around the world (US zones first). */
const AROUND_THE_WORLD = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Pacific/Pago_Pago',
  'Pacific/Kiritimati',
  'Pacific/Auckland',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/Berlin',
  'UTC',
  'America/Sao_Paulo',
] as const;

/**
 * A zone where it is mid-day (10:00–18:59) at `now`, so the 08:00–21:00 calling window is open
 * for hours to come. For simulated voters only (the demo, tests): real voters' zones come from
 * the voter file.
 */
export function daytimeZone(now: Date): string {
  for (const zone of AROUND_THE_WORLD) {
    const hour = DateTime.fromJSDate(now, { zone }).hour;
    if (hour >= 10 && hour <= 18) return zone;
  }
  return 'UTC';
}
