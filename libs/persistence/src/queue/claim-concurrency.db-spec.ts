import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser, newVoters, target } from '../testing/factories';
import { claimNextPhone } from './claim-phone.query';
import { one } from '../sql';

let db: TestDatabase;
let ds: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('pb_concurrency', 25);
  ds = db.ds;
});
afterAll(async () => db?.drop());

describe('claims under concurrency', () => {
  it('50 parallel claimers over 2,000 phones hand out each phone at most once', async () => {
    const c = await newCampaign(ds);
    const p = await newProject(ds, c.id);
    const users = await Promise.all(Array.from({ length: 5 }, () => newUser(ds, c.id)));
    await newVoters(
      ds,
      c.id,
      Array.from({ length: 2000 }, (_, i) => ({ phones: [{ number: `646${2000000 + i}`, score: i % 100 }] })),
    );
    const now = new Date('2026-03-10T15:00:00Z');
    expect((await target(ds, c.id, p.id, {}, now)).phonesQueued).toBe(2000);
    const handedOut: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        for (;;) {
          const r = await claimNextPhone(ds, {
            projectId: p.id,
            userId: users[k % 5]!.id,
            leaseSeconds: 600,
            now,
          });
          if (r.kind !== 'claimed') return;
          handedOut.push(r.claim.phone.id);
        }
      }),
    );
    expect(handedOut).toHaveLength(2000);
    expect(new Set(handedOut).size).toBe(2000);
    const attempts = await one<{ n: number }>(
      ds,
      'SELECT count(*)::int n FROM call_attempts WHERE project_id = $1',
      [p.id],
    );
    expect(attempts!.n).toBe(2000);
    // Leases of 10 minutes: nothing is back at 9 minutes, everything at 11.
    expect(
      (
        await claimNextPhone(ds, {
          projectId: p.id,
          userId: users[0]!.id,
          leaseSeconds: 60,
          now: new Date(now.getTime() + 9 * 60_000),
        })
      ).kind,
    ).toBe('empty');
    const back = await claimNextPhone(ds, {
      projectId: p.id,
      userId: users[0]!.id,
      leaseSeconds: 60,
      now: new Date(now.getTime() + 11 * 60_000),
    });
    expect(back.kind).toBe('claimed');
  });
});
