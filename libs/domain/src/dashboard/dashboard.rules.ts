import { DateTime } from 'luxon';
import { isValidTimeZone } from '../calling-hours/calling-hours.rules';

/**
 * The live dashboard's definitions (issue 6), kept in one place so the page can say what it
 * counts:
 * - a volunteer dialing by hand (standard mode has no dial session) is *online* while their
 *   last claim, outcome or release is less than STANDARD_ONLINE_MINUTES old, and *on a call*
 *   while they hold a claimed phone with no outcome yet;
 * - "today" is the calendar day in the viewer's time zone.
 */
export const STANDARD_ONLINE_MINUTES = 15;

/** What a call in progress is doing, from the stamps of its attempt. */
export type LiveCallStage = 'on-screen' | 'dialing' | 'ringing' | 'answered' | 'voicemail';

export function liveCallStage(stamps: {
  dialStartedAt: Date | null;
  ringingAt: Date | null;
  answeredAt: Date | null;
  voicemailStartedAt: Date | null;
}): LiveCallStage {
  if (stamps.voicemailStartedAt) return 'voicemail';
  if (stamps.answeredAt) return 'answered';
  if (stamps.ringingAt) return 'ringing';
  if (stamps.dialStartedAt) return 'dialing';
  return 'on-screen';
}

/** The calendar day containing `now` in `timeZone`, as [start, end) instants (UTC if the zone is unknown). */
export function dayBounds(
  now: Date,
  timeZone: string,
): { day: string; timeZone: string; start: Date; end: Date } {
  const zone = timeZone.length <= 64 && isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const local = DateTime.fromJSDate(now, { zone }).startOf('day');
  return {
    day: local.toISODate() as string,
    timeZone: zone,
    start: local.toJSDate(),
    end: local.plus({ days: 1 }).toJSDate(),
  };
}
