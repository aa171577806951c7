import {
  DEFAULT_STATE_RULES,
  callingZoneKey,
  daytimeZone,
  isProjectOpen,
  isVoterCallable,
  mergeCallingZones,
  nextOpening,
  parseCallingZoneKey,
  parseTimeOfDay,
  resolveCallingZone,
} from './calling-hours.rules';
import { DateTime } from 'luxon';
import { AREA_CODE_STATE, ALL_US_TIME_ZONES } from './us-time-zones.table';

const at = (iso: string): Date => new Date(iso);

describe('resolveCallingZone', () => {
  it('prefers an explicit zone, then the state, then area codes; unknown → every US zone', () => {
    expect(resolveCallingZone({ timeZone: 'America/Chicago', state: 'TX' })).toEqual({
      timeZones: ['America/Chicago'],
      states: ['TX'],
    });
    expect(resolveCallingZone({ state: 'tx' })).toEqual({
      timeZones: ['America/Chicago', 'America/Denver'],
      states: ['TX'],
    });
    expect(resolveCallingZone({ areaCodes: ['808'] })).toEqual({
      timeZones: ['Pacific/Honolulu'],
      states: ['HI'],
    });
    expect(resolveCallingZone({ areaCodes: ['212', '415'] }).timeZones).toEqual([
      'America/Los_Angeles',
      'America/New_York',
    ]);
    expect(resolveCallingZone({ areaCodes: ['999'] }).timeZones).toEqual(ALL_US_TIME_ZONES);
    expect(resolveCallingZone({ timeZone: 'Not/AZone', state: 'NY' }).timeZones).toEqual([
      'America/New_York',
    ]);
  });
  it('has keys that round-trip and merges households', () => {
    const z = mergeCallingZones([resolveCallingZone({ state: 'NY' }), resolveCallingZone({ state: 'CA' })]);
    expect(parseCallingZoneKey(callingZoneKey(z))).toEqual(z);
    expect(z.states).toEqual(['CA', 'NY']);
  });
  it('maps common area codes', () => {
    expect(AREA_CODE_STATE['212']).toBe('NY');
    expect(AREA_CODE_STATE['512']).toBe('TX');
  });
});

describe('isVoterCallable: 08:00–21:00 in the voter’s local time', () => {
  const ny = resolveCallingZone({ state: 'NY' });
  it('opens at 08:00 and closes at 21:00 local', () => {
    expect(isVoterCallable(at('2026-01-15T12:59:00Z'), ny)).toBe(false); // 07:59 EST
    expect(isVoterCallable(at('2026-01-15T13:00:00Z'), ny)).toBe(true); // 08:00 EST
    expect(isVoterCallable(at('2026-01-16T01:59:00Z'), ny)).toBe(true); // 20:59 EST
    expect(isVoterCallable(at('2026-01-16T02:00:00Z'), ny)).toBe(false); // 21:00 EST
  });
  it('is right on both sides of DST changes', () => {
    expect(isVoterCallable(at('2026-03-07T12:30:00Z'), ny)).toBe(false); // 07:30 EST
    expect(isVoterCallable(at('2026-03-09T12:30:00Z'), ny)).toBe(true); // 08:30 EDT
    expect(isVoterCallable(at('2026-11-02T12:30:00Z'), ny)).toBe(false); // 07:30 EST again
    expect(isVoterCallable(at('2026-10-31T12:30:00Z'), ny)).toBe(true); // 08:30 EDT, the day before fall-back
  });
  it('keeps to the strictest candidate zone', () => {
    const tx = resolveCallingZone({ state: 'TX' }); // Chicago and Denver, TX rule 09:00–21:00
    expect(isVoterCallable(at('2026-03-10T14:30:00Z'), tx)).toBe(false); // 09:30 CDT but 08:30 MDT
    expect(isVoterCallable(at('2026-03-10T15:00:00Z'), tx)).toBe(true);
    expect(isVoterCallable(at('2026-03-11T01:59:00Z'), tx)).toBe(true); // 20:59 CDT
    expect(isVoterCallable(at('2026-03-11T02:00:00Z'), tx)).toBe(false); // 21:00 CDT
  });
  it('applies state rules, including weekdays, and lets the campaign edit them', () => {
    const fl = { timeZones: ['America/New_York'], states: ['FL'] };
    expect(isVoterCallable(at('2026-03-10T23:59:00Z'), fl)).toBe(true); // 19:59 EDT
    expect(isVoterCallable(at('2026-03-11T00:00:00Z'), fl)).toBe(false); // 20:00 EDT: Florida stops at 20:00
    expect(isVoterCallable(at('2026-03-11T00:00:00Z'), fl, [])).toBe(true); // the campaign removed the rule
    const tx = { timeZones: ['America/Chicago'], states: ['TX'] };
    expect(isVoterCallable(at('2026-03-08T16:00:00Z'), tx)).toBe(false); // Sunday 11:00 CDT: Texas Sundays start at noon
    expect(isVoterCallable(at('2026-03-08T17:00:00Z'), tx)).toBe(true);
    expect(DEFAULT_STATE_RULES.every((r) => r.window.start < r.window.end)).toBe(true);
  });
  it('cannot be widened past 08:00–21:00 by a state rule', () => {
    const ny2 = { timeZones: ['America/New_York'], states: ['NY'] };
    const wide = [{ state: 'NY', window: { start: 0, end: 1440 } }];
    expect(isVoterCallable(at('2026-01-15T12:00:00Z'), ny2, wide)).toBe(false);
  });
});

describe('project hours and nextOpening', () => {
  const hours = {
    timeZone: 'America/New_York',
    start: parseTimeOfDay('09:00'),
    end: parseTimeOfDay('17:00'),
    weekdays: [1, 2, 3, 4, 5, 6, 7],
  };
  it('is open inside the window in the project’s zone', () => {
    expect(isProjectOpen(at('2026-03-10T13:00:00Z'), hours)).toBe(true); // 09:00 EDT
    expect(isProjectOpen(at('2026-03-06T13:30:00Z'), hours)).toBe(false); // 08:30 EST
    expect(isProjectOpen(at('2026-03-10T21:00:00Z'), hours)).toBe(false); // 17:00 EDT
  });
  it('says when it opens next, across the spring-forward night', () => {
    expect(nextOpening(at('2026-03-07T23:00:00Z'), hours)).toEqual(at('2026-03-08T13:00:00Z'));
    expect(nextOpening(at('2026-03-07T05:00:00Z'), hours)).toEqual(at('2026-03-07T14:00:00Z'));
    expect(nextOpening(at('2026-03-10T14:00:00Z'), hours)).toEqual(at('2026-03-10T14:00:00Z'));
  });
  it('and across the fall-back night, skipping closed weekdays', () => {
    const weekdays = { ...hours, weekdays: [1, 2, 3, 4, 5] };
    // Saturday 31 Oct 2026 evening → Monday 2 Nov 09:00 EST = 14:00Z
    expect(nextOpening(at('2026-10-31T23:00:00Z'), weekdays)).toEqual(at('2026-11-02T14:00:00Z'));
  });
  it('a window that never opens has no next opening', () => {
    expect(nextOpening(at('2026-03-10T14:00:00Z'), { ...hours, start: 600, end: 600 })).toBeNull();
  });
});

describe('daytimeZone', () => {
  it.each([
    '2026-11-25T00:00:00Z',
    '2026-11-25T03:30:00Z',
    '2026-11-25T07:00:00Z',
    '2026-11-25T12:00:00Z',
    '2026-11-25T16:00:00Z',
    '2026-11-25T22:45:00Z',
    '2026-07-04T05:00:00Z',
  ])('finds a zone where it is mid-day at %s', (iso) => {
    const now = new Date(iso);
    const zone = daytimeZone(now);
    const hour = DateTime.fromJSDate(now, { zone }).hour;
    expect(hour).toBeGreaterThanOrEqual(10);
    expect(hour).toBeLessThanOrEqual(18);
    expect(isVoterCallable(now, resolveCallingZone({ timeZone: zone }), [])).toBe(true);
  });
});
