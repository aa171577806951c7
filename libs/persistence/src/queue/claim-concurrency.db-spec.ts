import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../testing/test-database';
import type { TestDatabase } from '../testing/test-database';
import { newCampaign, newProject, newUser, newVoters, target } from '../testing/factories';
import { claimNextPhone } from './claim-phone.query';
import { one, rows } from '../sql';
import { createDataSource } from '../data-source';

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

  it('two instances (two pools) with 25 claimers each over 2,000 phones hand out each phone at most once', async () => {
    const c = await newCampaign(ds);
    const p = await newProject(ds, c.id);
    const user = await newUser(ds, c.id);
    await newVoters(
      ds,
      c.id,
      Array.from({ length: 2000 }, (_, i) => ({ phones: [{ number: `646${3000000 + i}`, score: i % 100 }] })),
    );
    const now = new Date('2026-03-10T15:00:00Z');
    expect((await target(ds, c.id, p.id, {}, now)).phonesQueued).toBe(2000);
    const second = createDataSource(db.url, { poolSize: 10, applicationName: `${db.name}_b` });
    await second.initialize();
    const handedOut: string[] = [];
    try {
      await Promise.all(
        [ds, second].flatMap((instance) =>
          Array.from({ length: 25 }, async () => {
            for (;;) {
              const r = await claimNextPhone(instance, {
                projectId: p.id,
                userId: user.id,
                leaseSeconds: 600,
                now,
              });
              if (r.kind !== 'claimed') return;
              handedOut.push(r.claim.phone.id);
            }
          }),
        ),
      );
    } finally {
      await second.destroy();
    }
    expect(handedOut).toHaveLength(2000);
    expect(new Set(handedOut).size).toBe(2000);
  });

  it('claims made at the same moment are combined and get the best phones of the queue', async () => {
    const c = await newCampaign(ds);
    const p = await newProject(ds, c.id);
    const user = await newUser(ds, c.id);
    await newVoters(
      ds,
      c.id,
      Array.from({ length: 20 }, (_, i) => ({ phones: [{ number: `646${4000000 + i}`, score: 10 + i }] })),
    );
    const now = new Date('2026-03-10T15:00:00Z');
    await target(ds, c.id, p.id, {}, now);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        claimNextPhone(ds, { projectId: p.id, userId: user.id, leaseSeconds: 60, now }),
      ),
    );
    const scores = results.map((r) => (r.kind === 'claimed' ? r.claim.phone.accuracyScore : -1));
    // The best 12 of the 20 phones, each once, whichever statement carried which claim.
    expect(scores.sort((a, b) => b - a)).toEqual([29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18]);
    // Fewer statements (transactions) than claims: the claims that queued behind the first were combined.
    const statements = await rows<{ n: number }>(
      ds,
      'SELECT count(DISTINCT xmin::text)::int AS n FROM call_attempts WHERE project_id = $1',
      [p.id],
    );
    expect(statements[0]!.n).toBeLessThan(12);
  });

  it('an attempt gets the id its claimer chose, alone or combined with claims that chose none', async () => {
    const c = await newCampaign(ds);
    const p = await newProject(ds, c.id);
    const user = await newUser(ds, c.id);
    await newVoters(
      ds,
      c.id,
      Array.from({ length: 6 }, (_, i) => ({ phones: [{ number: `646${5000000 + i}` }] })),
    );
    const now = new Date('2026-03-10T15:00:00Z');
    await target(ds, c.id, p.id, {}, now);
    const chosen = [randomUUID(), null, randomUUID(), null, randomUUID()];
    const results = await Promise.all(
      chosen.map((attemptId) =>
        claimNextPhone(ds, {
          projectId: p.id,
          userId: user.id,
          leaseSeconds: 60,
          now,
          ...(attemptId ? { attemptId } : {}),
        }),
      ),
    );
    const ids = results.map((r) => (r.kind === 'claimed' ? r.claim.attemptId : null));
    chosen.forEach((id, i) => {
      if (id) expect(ids[i]).toBe(id);
      else expect(ids[i]).toMatch(/^[0-9a-f-]{36}$/);
    });
    const stored = await rows<{ id: string }>(ds, 'SELECT id FROM call_attempts WHERE project_id = $1', [
      p.id,
    ]);
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it('a bad request combined with good ones fails alone', async () => {
    const c = await newCampaign(ds);
    const p = await newProject(ds, c.id);
    const user = await newUser(ds, c.id);
    await newVoters(
      ds,
      c.id,
      Array.from({ length: 6 }, (_, i) => ({ phones: [{ number: `646${5000000 + i}`, score: 50 }] })),
    );
    const now = new Date('2026-03-10T15:00:00Z');
    await target(ds, c.id, p.id, {}, now);
    const unknownUser = '00000000-0000-4000-8000-000000000000';
    const results = await Promise.allSettled(
      [user.id, user.id, unknownUser, user.id, user.id].map((userId) =>
        claimNextPhone(ds, { projectId: p.id, userId, leaseSeconds: 60, now }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const claimed = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value.kind === 'claimed' ? [r.value.claim.phone.id] : [],
    );
    expect(new Set(claimed).size).toBe(4);
  });
});
