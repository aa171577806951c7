import { DateTime } from 'luxon';

/** A birthday key MMDD (e.g. 1231) as stored beside queue entries. */
export function birthdayKey(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`not an ISO date: ${isoDate}`);
  return Number(m[2]) * 100 + Number(m[3]);
}

/**
 * The birthday keys celebrated on the local date of `now` in `timeZone`. On 28 February of a
 * non-leap year, 29 February birthdays are celebrated too.
 */
export function birthdayKeysOn(now: Date, timeZone: string): number[] {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`unknown time zone: ${timeZone}`);
  const keys = [local.month * 100 + local.day];
  if (local.month === 2 && local.day === 28 && !local.isInLeapYear) keys.push(229);
  return keys;
}

export function isBirthdayToday(birthday: string, now: Date, timeZone: string): boolean {
  return birthdayKeysOn(now, timeZone).includes(birthdayKey(birthday));
}

/** Age in whole years on the local date of `now` in `timeZone`. */
export function ageOn(birthday: string, now: Date, timeZone: string): number {
  const birth = DateTime.fromISO(birthday, { zone: timeZone });
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  let age = local.year - birth.year;
  if (local.month < birth.month || (local.month === birth.month && local.day < birth.day)) age -= 1;
  return age;
}

/** Parse a birthday as written in voter files: YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD. */
export function parseBirthday(
  raw: string,
  today: Date,
): { ok: true; iso: string } | { ok: false; message: string } {
  const s = raw.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s)))
    [y, mo, d] = [Number(m[3]), Number(m[1]), Number(m[2])];
  else if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(s))) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return { ok: false, message: `birthday "${s}" is not a date (use YYYY-MM-DD)` };
  const dt = DateTime.utc(y, mo, d);
  if (!dt.isValid || dt.month !== mo || dt.day !== d)
    return { ok: false, message: `birthday "${s}" is not a real date` };
  if (y < 1880 || dt.toJSDate().getTime() > today.getTime())
    return { ok: false, message: `birthday "${s}" is out of range` };
  return { ok: true, iso: dt.toISODate() as string };
}
