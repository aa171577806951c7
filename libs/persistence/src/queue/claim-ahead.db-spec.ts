import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser, newVoters, target } from '../testing/factories';
import { addToDnc } from '../dnc/campaign-dnc.command';
import { claimNextPhoneKeyed, confirmClaimAhead, releaseClaim } from './claim-phone.query';

/**
 * A phone claimed while the volunteer is idle is dialed at the click only if the claim would
 * still hand it out then (real PostgreSQL).
 */
describe('claims made ahead of the click', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pb_ahead', 4);
  });
  afterAll(async () => {
    await db?.drop();
  });

  // 15:00 UTC is 11:00 in New York (daylight time since 8 March): the voters' window is open.
  const noon = new Date('2026-03-10T15:00:00Z');
  let n = 0;

  async function project(
    hours: { hoursStart: number; hoursEnd: number } = { hoursStart: 0, hoursEnd: 1440 },
  ) {
    const c = await newCampaign(db.ds);
    const u = await newUser(db.ds, c.id);
    const p = await newProject(db.ds, c.id, { timeZone: 'America/New_York', ...hours });
    await newVoters(
      db.ds,
      c.id,
      Array.from({ length: 3 }, () => ({ state: 'NY', phones: [{ number: `212555${String(4000 + ++n)}` }] })),
    );
    await target(db.ds, c.id, p.id, {}, noon);
    return { campaignId: c.id, userId: u.id, projectId: p.id };
  }

  async function claimAhead(x: { userId: string; projectId: string }, now = noon) {
    const k = await claimNextPhoneKeyed(db.ds, {
      projectId: x.projectId,
      userId: x.userId,
      leaseSeconds: 900,
      now,
    });
    if (k.result.kind !== 'claimed' || k.key === null) throw new Error(`nothing claimed: ${k.result.kind}`);
    return {
      key: k.key,
      attemptId: k.result.claim.attemptId,
      projectId: x.projectId,
      e164: k.result.claim.phone.e164,
    };
  }

  it('confirms a claim that still holds', async () => {
    const x = await project();
    const a = await claimAhead(x);
    expect(await confirmClaimAhead(db.ds, a, new Date(noon.getTime() + 30_000))).toBe(true);
  });

  it('refuses one whose phone became DNC meanwhile, or that was given back', async () => {
    const x = await project();
    const a = await claimAhead(x);
    await addToDnc(db.ds, {
      campaignId: x.campaignId,
      number: a.e164,
      reason: 'asked on another call',
      actor: { userId: x.userId, userName: 'Staff' },
      now: noon,
    });
    expect(await confirmClaimAhead(db.ds, a, noon)).toBe(false);

    const b = await claimAhead(x);
    await releaseClaim(db.ds, b.attemptId, noon);
    expect(await confirmClaimAhead(db.ds, b, noon)).toBe(false);
  });

  it('refuses one once the calling hours have moved on (the project closed, or other zones open)', async () => {
    // the project's own window ends at 11:01 New York time
    const x = await project({ hoursStart: 8 * 60, hoursEnd: 11 * 60 + 1 });
    const a = await claimAhead(x);
    expect(await confirmClaimAhead(db.ds, a, new Date(noon.getTime() + 30_000))).toBe(true);
    expect(await confirmClaimAhead(db.ds, a, new Date(noon.getTime() + 90_000))).toBe(false);
  });
});
