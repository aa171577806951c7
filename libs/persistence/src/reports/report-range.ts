import { parseReportRange, type ReportRange } from '@phonebank/domain';
import { QueueError } from '../sql';

/**
 * SQL for the bounds of a report range in project `p`'s time zone, as columns `lo` and `hi`:
 * [from 00:00 local, to + 1 day 00:00 local). `from` and `to` are the query's day parameters.
 */
export const bounds = (from: string, to: string): string =>
  `(${from}::date)::timestamp AT TIME ZONE p.time_zone AS lo, (${to}::date + 1)::timestamp AT TIME ZONE p.time_zone AS hi`;

/** The range of whole days, or an INVALID_INPUT error saying what is wrong with it. */
export function parseRange(from: string, to: string): ReportRange {
  try {
    return parseReportRange(from, to);
  } catch (error) {
    throw new QueueError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
}
