import { ageOn, birthdayKey, birthdayKeysOn, isBirthdayToday, parseBirthday } from './birthday.rules';

describe('birthdays', () => {
  it('is today in the project’s time zone, not UTC', () => {
    const now = new Date('2026-03-11T05:00:00Z'); // 10 March 22:00 in Los Angeles
    expect(isBirthdayToday('1980-03-10', now, 'America/Los_Angeles')).toBe(true);
    expect(isBirthdayToday('1980-03-11', now, 'America/Los_Angeles')).toBe(false);
    expect(isBirthdayToday('1980-03-11', now, 'UTC')).toBe(true);
  });
  it('celebrates 29 February on 28 February in common years only', () => {
    expect(birthdayKeysOn(new Date('2027-02-28T12:00:00Z'), 'UTC')).toEqual([228, 229]);
    expect(birthdayKeysOn(new Date('2028-02-28T12:00:00Z'), 'UTC')).toEqual([228]);
    expect(birthdayKey('2000-02-29')).toBe(229);
  });
  it('counts age on the local date', () => {
    expect(ageOn('2000-03-11', new Date('2026-03-11T05:00:00Z'), 'America/Los_Angeles')).toBe(25);
    expect(ageOn('2000-03-11', new Date('2026-03-11T05:00:00Z'), 'UTC')).toBe(26);
  });
  it('parses the usual voter-file date forms and refuses bad ones', () => {
    const today = new Date('2026-01-01T00:00:00Z');
    expect(parseBirthday('1980-3-9', today)).toEqual({ ok: true, iso: '1980-03-09' });
    expect(parseBirthday('03/09/1980', today)).toEqual({ ok: true, iso: '1980-03-09' });
    expect(parseBirthday('19800309', today)).toEqual({ ok: true, iso: '1980-03-09' });
    expect(parseBirthday('1990-02-30', today)).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a real date'),
    });
    expect(parseBirthday('2030-01-01', today)).toMatchObject({ ok: false });
    expect(parseBirthday('soon', today)).toMatchObject({ ok: false });
  });
});
