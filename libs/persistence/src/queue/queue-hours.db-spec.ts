import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import {
  callAndRecord,
  claim,
  newCampaign,
  newProject,
  newUser,
  newVoter,
  newVoters,
  target,
} from '../testing/factories';
import { claimNextPhone, releaseClaim } from './claim-phone.query';
import { setStateRule } from '../campaigns/calling-zones.repository';
import { countVoters } from '../targeting/targeting.query';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_hours');
  ds = db.ds;
});
afterAll(async () => db?.drop());

let n = 0;
const phoneNo = (area = '212'): string => `${area}${3000000 + ++n}`;
const at = (iso: string): Date => new Date(iso);

async function claimable(projectId: string, userId: string, now: Date): Promise<string[]> {
  const out: string[] = [];
  const attempts: string[] = [];
  for (;;) {
    const r = await claimNextPhone(ds, { projectId, userId, leaseSeconds: 60, now });
    if (r.kind !== 'claimed') break;
    out.push(r.claim.voters[0]!.firstName);
    attempts.push(r.claim.attemptId);
  }
  for (const a of attempts) await releaseClaim(ds, a, now);
  return out.sort();
}

describe('calling hours in the voter’s local time', () => {
  it('keeps each voter to 08:00–21:00 local, with state rules, the strictest zone when ambiguous, and area codes', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const p = await newProject(ds, c.id, { timeZone: 'America/New_York', hoursStart: 0, hoursEnd: 1440 });
    await newVoters(ds, c.id, [
      { firstName: 'NewYork', state: 'NY', timeZone: '', phones: [{ number: phoneNo() }] },
      { firstName: 'California', state: 'CA', timeZone: '', phones: [{ number: phoneNo('415') }] },
      { firstName: 'Texas', state: 'TX', timeZone: '', phones: [{ number: phoneNo('512') }] },
      { firstName: 'Hawaii', timeZone: '', phones: [{ number: phoneNo('808') }] },
      {
        firstName: 'Explicit',
        state: 'TX',
        timeZone: 'America/Chicago',
        phones: [{ number: phoneNo('512') }],
      },
    ]);
    await target(ds, c.id, p.id, {}, at('2026-03-10T12:00:00Z'));
    // 2026-03-10 (after the US DST change of 8 March): EDT = UTC-4, CDT = -5, MDT = -6, PDT = -7, HST = -10.
    expect(await claimable(p.id, u.id, at('2026-03-10T12:30:00Z'))).toEqual(['NewYork']); // 08:30 EDT, 07:30 CDT
    // 09:30 CDT, 08:30 MDT: Texas's 09:00 rule holds in Denver time too (West Texas), so not yet.
    expect(await claimable(p.id, u.id, at('2026-03-10T14:30:00Z'))).toEqual(['Explicit', 'NewYork']);
    expect(await claimable(p.id, u.id, at('2026-03-10T15:00:00Z'))).toEqual([
      'California',
      'Explicit',
      'NewYork',
      'Texas',
    ]); // 08:00 PDT, 09:00 MDT
    expect(await claimable(p.id, u.id, at('2026-03-10T17:59:00Z'))).not.toContain('Hawaii');
    expect(await claimable(p.id, u.id, at('2026-03-10T18:00:00Z'))).toContain('Hawaii'); // 08:00 HST via area code 808
    // 21:00 EDT: New York closes, everyone west is still open.
    expect(await claimable(p.id, u.id, at('2026-03-11T01:00:00Z'))).toEqual([
      'California',
      'Explicit',
      'Hawaii',
      'Texas',
    ]);
  });

  it('follows the voter’s DST change', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const p = await newProject(ds, c.id);
    await newVoter(ds, c.id, {
      firstName: 'NewYork',
      state: 'NY',
      timeZone: '',
      phones: [{ number: phoneNo() }],
    });
    await target(ds, c.id, p.id, {}, at('2026-03-01T12:00:00Z'));
    expect(await claimable(p.id, u.id, at('2026-03-07T12:30:00Z'))).toEqual([]); // Saturday 07:30 EST
    expect(await claimable(p.id, u.id, at('2026-03-09T12:30:00Z'))).toEqual(['NewYork']); // Monday 08:30 EDT
    expect(await claimable(p.id, u.id, at('2026-11-02T12:30:00Z'))).toEqual([]); // after fall back: 07:30 EST
  });

  it('uses the campaign’s edited state table', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const p = await newProject(ds, c.id);
    await newVoter(ds, c.id, {
      firstName: 'California',
      state: 'CA',
      timeZone: '',
      phones: [{ number: phoneNo('415') }],
    });
    await target(ds, c.id, p.id, {}, at('2026-03-10T12:00:00Z'));
    expect(await claimable(p.id, u.id, at('2026-03-10T16:30:00Z'))).toEqual(['California']); // 09:30 PDT
    await setStateRule(ds, c.id, 'CA', { state: 'CA', window: { start: 600, end: 1200 } });
    expect(await claimable(p.id, u.id, at('2026-03-10T16:30:00Z'))).toEqual([]);
    expect(await claimable(p.id, u.id, at('2026-03-10T17:00:00Z'))).toEqual(['California']);
  });

  it('a closed project hands out nothing and says when it opens, across a DST change', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const p = await newProject(ds, c.id, {
      timeZone: 'America/New_York',
      hoursStart: 9 * 60,
      hoursEnd: 17 * 60,
    });
    await newVoter(ds, c.id, { timeZone: 'America/New_York', phones: [{ number: phoneNo() }] });
    await target(ds, c.id, p.id, {}, at('2026-03-01T12:00:00Z'));
    expect(
      await claimNextPhone(ds, {
        projectId: p.id,
        userId: u.id,
        leaseSeconds: 60,
        now: at('2026-03-07T23:00:00Z'),
      }),
    ).toEqual({
      kind: 'closed',
      nextOpening: at('2026-03-08T13:00:00Z'), // Sunday 09:00 EDT, the day clocks go forward
    });
    expect(
      (
        await claimNextPhone(ds, {
          projectId: p.id,
          userId: u.id,
          leaseSeconds: 60,
          now: at('2026-03-08T13:00:00Z'),
        })
      ).kind,
    ).toBe('claimed');
  });
});

describe('birthday projects', () => {
  it('queue only voters whose birthday is today in the project’s time zone', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const p = await newProject(ds, c.id, { timeZone: 'America/Los_Angeles', birthdayMode: true });
    await newVoters(ds, c.id, [
      { firstName: 'Tenth', birthday: '1980-03-10', timeZone: 'Asia/Tokyo', phones: [{ number: phoneNo() }] },
      {
        firstName: 'Eleventh',
        birthday: '1990-03-11',
        timeZone: 'Asia/Tokyo',
        phones: [{ number: phoneNo() }],
      },
      { firstName: 'Leap', birthday: '2000-02-29', timeZone: 'Asia/Tokyo', phones: [{ number: phoneNo() }] },
      { firstName: 'None', timeZone: 'Asia/Tokyo', phones: [{ number: phoneNo() }] },
    ]);
    await target(ds, c.id, p.id, {}, at('2026-03-01T00:00:00Z'));
    // 05:00 UTC on 11 March is still 10 March in Los Angeles (22:00 PDT).
    expect(await claimable(p.id, u.id, at('2026-03-11T05:00:00Z'))).toEqual(['Tenth']);
    expect(await claimable(p.id, u.id, at('2026-03-11T09:00:00Z'))).toEqual(['Eleventh']);
    // 29 February birthdays are called on 28 February in common years.
    expect(await claimable(p.id, u.id, at('2027-02-28T09:00:00Z'))).toEqual(['Leap']);
  });
});

describe('targeting', () => {
  it('filters by tags, age, address and phone; suppresses phones called in another project within N days', async () => {
    const c = await newCampaign(ds);
    const u = await newUser(ds, c.id);
    const now = at('2026-03-10T15:00:00Z');
    const shared = phoneNo();
    await newVoters(ds, c.id, [
      {
        firstName: 'Young',
        birthday: '2005-01-01',
        tags: ['dem', 'student'],
        state: 'NY',
        city: 'Albany',
        phones: [{ number: phoneNo() }],
      },
      {
        firstName: 'Old',
        birthday: '1950-01-01',
        tags: ['dem'],
        state: 'NY',
        city: 'Buffalo',
        phones: [{ number: shared }],
      },
      { firstName: 'NoPhone', birthday: '1970-06-01', tags: ['rep'], state: 'CA', phones: [] },
    ]);
    const today = '2026-03-10';
    expect(await countVoters(ds, c.id, { tagsAny: ['dem'] }, today)).toBe(2);
    expect(await countVoters(ds, c.id, { tagsAll: ['dem', 'student'] }, today)).toBe(1);
    expect(await countVoters(ds, c.id, { minAge: 30 }, today)).toBe(2);
    expect(await countVoters(ds, c.id, { maxAge: 21 }, today)).toBe(1);
    expect(await countVoters(ds, c.id, { states: ['ny'], cities: ['buffalo'] }, today)).toBe(1);
    expect(await countVoters(ds, c.id, { hasPhone: false }, today)).toBe(1);
    expect(await countVoters(ds, c.id, { birthdayFrom: '12-15', birthdayTo: '01-15' }, today)).toBe(2);

    const first = await newProject(ds, c.id);
    await target(ds, c.id, first.id, { tagsAny: ['dem'], minAge: 60 }, now);
    await callAndRecord(ds, first.id, u.id, now, 'busy');
    const day = 24 * 3600_000;
    const later = new Date(now.getTime() + 3 * day);
    const suppressed = await newProject(ds, c.id);
    const s = await target(ds, c.id, suppressed.id, { tagsAny: ['dem'] }, later, 7);
    expect(s).toMatchObject({
      votersMatched: 2,
      votersWithPhone: 2,
      suppressed: 1,
      targetsAdded: 1,
      phonesQueued: 1,
    });
    expect(await claimable(suppressed.id, u.id, later)).toEqual(['Young']);
    const notSuppressed = await newProject(ds, c.id);
    const t = await target(ds, c.id, notSuppressed.id, { tagsAny: ['dem'] }, later, 2);
    expect(t).toMatchObject({ suppressed: 0, phonesQueued: 2 });
    const claimed = await claim(ds, notSuppressed.id, u.id, later);
    expect(claimed.voters[0]!.targeted).toBe(true);
  });
});
