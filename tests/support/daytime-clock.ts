import type { Clock } from '@phonebank/domain';

/**
 * A clock running at real speed but shifted so that "now" is mid-day in US time zones
 * (16:00 UTC today, noon in New York), whatever hour the tests run at: calling hours
 * (08:00–21:00 voter time) are then always open.
 */
export function daytimeClock(): Clock {
  const real = Date.now();
  const noon = new Date(real);
  noon.setUTCHours(16, 0, 0, 0);
  const offset = noon.getTime() - real;
  return { now: () => new Date(Date.now() + offset) };
}
