import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './testing/test-database';
import { claim, newCampaign, newProject, newUser, newVoters, target } from './testing/factories';
import { rows } from './sql';
import { findUserByApiToken } from './campaigns/campaigns.repository';
import { createLoginSession, findUserBySessionToken } from './accounts/accounts.repository';
import {
  insertDialSession,
  markAttempt,
  markAttemptDialed,
  markAttemptEnded,
  saveDialSessionState,
} from './power-dial/dial-sessions.repository';

/**
 * What many volunteers do at the same instant (a burst of clicks) is sent to PostgreSQL as a
 * few statements, each request still getting exactly its own answer.
 */
describe('requests combined under load (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pb_batched', 10);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Statements the data source ran while `fn` did. */
  async function statementsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const spy = jest.spyOn(db.ds, 'query');
    try {
      const result = await fn();
      return { result, statements: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  it('API tokens and login sessions: each request gets its own user (or none), in a few statements', async () => {
    const c = await newCampaign(db.ds);
    const users = await Promise.all(Array.from({ length: 20 }, () => newUser(db.ds, c.id)));
    const now = new Date();
    const sessions = await Promise.all(
      users.slice(0, 10).map((u) => createLoginSession(db.ds, { userId: u.id, now, ttlSeconds: 60 })),
    );
    const expired = await createLoginSession(db.ds, {
      userId: users[0]!.id,
      now: new Date(now.getTime() - 120_000),
      ttlSeconds: 60,
    });

    const tokens = [...users.map((u) => u.token), 'not-a-token', users[3]!.token];
    const byToken = await statementsDuring(() =>
      Promise.all(tokens.map((t) => findUserByApiToken(db.ds, t))),
    );
    expect(byToken.result.map((u) => u?.id)).toEqual([...users.map((u) => u.id), undefined, users[3]!.id]);
    expect(byToken.statements).toBeLessThan(tokens.length / 2);

    const cookies = [...sessions.map((s) => s.token), expired.token, 'forged'];
    const bySession = await statementsDuring(() =>
      Promise.all(cookies.map((t) => findUserBySessionToken(db.ds, t, now))),
    );
    expect(bySession.result.map((u) => u?.id)).toEqual([
      ...users.slice(0, 10).map((u) => u.id),
      undefined,
      undefined,
    ]);
    expect(bySession.statements).toBeLessThan(cookies.length / 2);
  });

  it('session states and call-progress stamps of many sessions are written together, each to its own row', async () => {
    const c = await newCampaign(db.ds);
    const p = await newProject(db.ds, c.id);
    const user = await newUser(db.ds, c.id);
    const now = new Date();
    const ids = Array.from({ length: 30 }, () => randomUUID());
    for (const id of ids) {
      await insertDialSession(db.ds, {
        id,
        campaignId: c.id,
        projectId: p.id,
        userId: user.id,
        mode: 'phone',
        stage: 'awaiting-leg',
        state: {},
        now,
      });
    }
    const saved = await statementsDuring(() =>
      Promise.all(
        ids.map((id, i) =>
          saveDialSessionState(db.ds, id, i % 3 === 0 ? 'ended' : 'dialing', now, { n: i }, i % 3 === 0),
        ),
      ),
    );
    expect(saved.statements).toBeLessThan(ids.length / 2);
    const stored = await rows<{ id: string; stage: string; state: { n: number }; ended: boolean }>(
      db.ds,
      `SELECT id, stage, state, ended_at IS NOT NULL AS ended FROM dial_sessions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(stored.map((r) => [r.id, r]));
    ids.forEach((id, i) =>
      expect(byId.get(id)).toMatchObject({
        stage: i % 3 === 0 ? 'ended' : 'dialing',
        state: { n: i },
        ended: i % 3 === 0,
      }),
    );

    await newVoters(
      db.ds,
      c.id,
      Array.from({ length: 6 }, (_, i) => ({ phones: [{ number: `2125557${String(100 + i)}` }] })),
    );
    const midday = new Date('2026-03-10T15:00:00Z'); // the voters' calling hours are open
    await target(db.ds, c.id, p.id, {}, midday);
    const attempts = [];
    for (let i = 0; i < 6; i++) attempts.push(await claim(db.ds, p.id, user.id, midday));
    const trunk = await rows<{ id: string }>(db.ds, `SELECT id FROM trunks WHERE name = 'voter-trunk'`);
    const t1 = new Date(now.getTime() + 1000);
    const t2 = new Date(now.getTime() + 2000);
    await Promise.all([
      ...attempts.map((a) => markAttemptDialed(db.ds, a.attemptId, trunk[0]!.id, t1)),
      ...attempts.map((a) => markAttempt(db.ds, a.attemptId, 'ringing_at', t1)),
    ]);
    // A stamp is written once: a later one for the same step does not move it.
    await Promise.all(attempts.map((a) => markAttempt(db.ds, a.attemptId, 'ringing_at', t2)));
    const stamped = await rows<{ dial: Date; ringing: Date; trunk_id: string }>(
      db.ds,
      `SELECT dial_started_at AS dial, ringing_at AS ringing, trunk_id FROM call_attempts WHERE id = ANY($1::uuid[])`,
      [attempts.map((a) => a.attemptId)],
    );
    expect(stamped).toHaveLength(6);
    for (const s of stamped) {
      expect(s.dial.getTime()).toBe(t1.getTime());
      expect(s.ringing.getTime()).toBe(t1.getTime());
      expect(s.trunk_id).toBe(trunk[0]!.id);
    }

    // The channel's end and its hangup cause go in one write; the first of each stays.
    await Promise.all(attempts.map((a, i) => markAttemptEnded(db.ds, a.attemptId, t1, i % 2 ? 17 : 16)));
    await Promise.all(attempts.map((a) => markAttemptEnded(db.ds, a.attemptId, t2, 34)));
    const ended = await rows<{ id: string; ended: Date; q850: number; trunk_id: string }>(
      db.ds,
      `SELECT id, ended_at AS ended, q850_cause AS q850, trunk_id FROM call_attempts WHERE id = ANY($1::uuid[])`,
      [attempts.map((a) => a.attemptId)],
    );
    const endedById = new Map(ended.map((r) => [r.id, r]));
    attempts.forEach((a, i) => {
      const r = endedById.get(a.attemptId)!;
      expect(r.ended.getTime()).toBe(t1.getTime());
      expect(r.q850).toBe(i % 2 ? 17 : 16);
      expect(r.trunk_id).toBe(trunk[0]!.id);
    });
  });
});
