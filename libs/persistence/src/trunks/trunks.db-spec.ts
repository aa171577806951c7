import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { claim, newCampaign, newProject, newUser, newVoters, target } from '../testing/factories';
import { one } from '../sql';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import {
  acquireTrunkLine,
  acquireTrunkLines,
  createTrunk,
  getTrunkByName,
  getTrunkForPbx,
  listTrunks,
  releaseLinesOfHolder,
  releaseTrunkLine,
  trunkHealth,
  updateTrunk,
  type LineResult,
} from './trunks.repository';
import { daytimeClock } from '../../../../tests/support/daytime-clock';

describe('trunks repository (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('pb_trunks', 20);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const line = (
    trunkName: string,
    legId: string = randomUUID(),
    maxSlotWaitMs = 10_000,
    holder = 'test-app',
  ) => acquireTrunkLine(db.ds, { trunkName, legId, holder, maxSlotWaitMs });
  const granted = (r: LineResult[]) => r.filter((x) => x.kind === 'granted').length;

  it('the migration seeds the simulated voter trunk as a static trunk', async () => {
    const t = await getTrunkByName(db.ds, 'voter-trunk');
    expect(t).toMatchObject({ provisioning: 'static', sipHost: '127.0.0.1', sipPort: 5070, enabled: true });
  });

  it('creates and edits a managed trunk; the password is write-only', async () => {
    const t = await createTrunk(db.ds, {
      name: 'carrier-a',
      sipHost: 'sip.carrier.example',
      username: 'acct1',
      password: 's3cret-pass',
      codecs: ['g722', 'ulaw'],
      allowedCallerIds: ['+1202555*'],
    });
    expect(t).toMatchObject({ provisioning: 'managed', hasPassword: true, codecs: ['g722', 'ulaw'] });
    expect(JSON.stringify(t)).not.toContain('s3cret-pass');
    expect(JSON.stringify(await listTrunks(db.ds))).not.toContain('s3cret-pass');
    expect((await getTrunkForPbx(db.ds, 'carrier-a'))?.password).toBe('s3cret-pass');
    await expect(createTrunk(db.ds, { name: 'carrier-a', sipHost: 'x.example' })).rejects.toMatchObject({
      code: 'NAME_TAKEN',
    });
    const u = await updateTrunk(db.ds, t.id, {
      maxConcurrentCalls: 7,
      maxCallsPerSecond: 0.5,
      enabled: false,
    });
    expect(u).toMatchObject({
      maxConcurrentCalls: 7,
      maxCallsPerSecond: 0.5,
      enabled: false,
      hasPassword: true,
    });
  });

  it('a static trunk keeps its SIP settings in the PBX files, but its limits change here', async () => {
    const t = (await getTrunkByName(db.ds, 'voter-trunk'))!;
    await expect(updateTrunk(db.ds, t.id, { sipHost: 'evil.example' })).rejects.toMatchObject({
      code: 'STATIC_TRUNK',
    });
    const u = await updateTrunk(db.ds, t.id, { maxCallsPerSecond: 150 });
    expect(u.maxCallsPerSecond).toBe(150);
    await updateTrunk(db.ds, t.id, { maxCallsPerSecond: 200 });
  });

  it('never grants more lines than the limit, even to many requests at once', async () => {
    await createTrunk(db.ds, {
      name: 'two-lines',
      sipHost: 'h.example',
      maxConcurrentCalls: 2,
      maxCallsPerSecond: 1000,
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => line('two-lines')));
    expect(granted(results)).toBe(2);
    expect(results.filter((r) => r.kind === 'full')).toHaveLength(6);
    expect((await getTrunkByName(db.ds, 'two-lines'))?.liveCalls).toBe(2);
  });

  it('two instances (two pools) asking at once share the limit; each burst is decided in a few round trips', async () => {
    await createTrunk(db.ds, {
      name: 'five-lines',
      sipHost: 'h.example',
      maxConcurrentCalls: 5,
      maxCallsPerSecond: 1000,
    });
    const second = createDataSource(db.url, { poolSize: 5, applicationName: `${db.name}_b` });
    await second.initialize();
    try {
      const statements = [jest.spyOn(db.ds, 'query'), jest.spyOn(second, 'query')];
      const results = await Promise.all(
        [db.ds, second].flatMap((instance) =>
          Array.from({ length: 20 }, () =>
            acquireTrunkLine(instance, {
              trunkName: 'five-lines',
              legId: randomUUID(),
              holder: 'test-app',
              maxSlotWaitMs: 10_000,
            }),
          ),
        ),
      );
      const sent = statements.reduce((n, spy) => n + spy.mock.calls.length, 0);
      statements.forEach((spy) => spy.mockRestore());
      expect(granted(results)).toBe(5);
      expect((await getTrunkByName(db.ds, 'five-lines'))?.liveCalls).toBe(5);
      // 40 requests: each instance decides its first alone, then the rest together (a few more
      // when a request lands just after a decision started, or the other instance got in
      // between), two statements a decision: far fewer than two per request.
      expect(sent).toBeLessThan(30);
    } finally {
      await second.destroy();
    }
  });

  /** `instances` pools asking `each` lines at once of one trunk; the trunk's lines afterwards. */
  async function contend(
    trunkName: string,
    instances: number,
    each: number,
    acquire: (ds: DataSource, legId: string) => Promise<LineResult>,
  ) {
    const pools = await Promise.all(
      Array.from({ length: instances }, async (_, i) => {
        const ds = createDataSource(db.url, { poolSize: 3, applicationName: `${db.name}_${i}` });
        return ds.initialize();
      }),
    );
    try {
      const results = await Promise.all(
        pools.flatMap((ds) => Array.from({ length: each }, () => acquire(ds, randomUUID()))),
      );
      const lines = await db.ds.query<{ send_at: Date }[]>(
        `SELECT l.send_at FROM trunk_lines l JOIN trunks t ON t.id = l.trunk_id WHERE t.name = $1 ORDER BY l.send_at`,
        [trunkName],
      );
      return { results, sendAts: lines.map((l) => l.send_at.getTime()) };
    } finally {
      await Promise.all(pools.map((ds) => ds.destroy()));
    }
  }

  it('instances that decide at the same moment never share a line or a send slot: the later one decides again', async () => {
    await createTrunk(db.ds, {
      name: 'contended',
      sipHost: 'h.example',
      maxConcurrentCalls: 7,
      maxCallsPerSecond: 100,
    });
    const { results, sendAts } = await contend('contended', 4, 6, (ds, legId) =>
      acquireTrunkLine(ds, { trunkName: 'contended', legId, holder: 'test-app', maxSlotWaitMs: 10_000 }),
    );
    expect(granted(results)).toBe(7);
    expect(results.filter((r) => r.kind === 'full')).toHaveLength(17);
    expect(sendAts).toHaveLength(7);
    // 100 calls a second: every line its own slot, 10 ms after the one before.
    for (let i = 1; i < sendAts.length; i++) expect(sendAts[i]! - sendAts[i - 1]!).toBeGreaterThanOrEqual(10);
  });

  it('after repeated conflicts the trunk is decided under its row lock, with the same limits', async () => {
    await createTrunk(db.ds, {
      name: 'locked',
      sipHost: 'h.example',
      maxConcurrentCalls: 4,
      maxCallsPerSecond: 100,
    });
    // optimisticTries 0: every decision takes the locking transaction.
    const { results, sendAts } = await contend('locked', 3, 4, async (ds, legId) => {
      const [r] = await acquireTrunkLines(
        ds,
        'locked',
        [{ legId, holder: 'test-app', maxSlotWaitMs: 10_000 }],
        {
          optimisticTries: 0,
        },
      );
      return r!;
    });
    expect(granted(results)).toBe(4);
    expect(sendAts).toHaveLength(4);
    for (let i = 1; i < sendAts.length; i++) expect(sendAts[i]! - sendAts[i - 1]!).toBeGreaterThanOrEqual(10);
    const leg = randomUUID();
    expect(
      (
        await acquireTrunkLines(db.ds, 'locked', [{ legId: leg, holder: 'test-app', maxSlotWaitMs: 0 }], {
          optimisticTries: 0,
        })
      )[0]?.kind,
    ).toBe('full');
    expect(
      (
        await acquireTrunkLines(
          db.ds,
          'no-such-trunk',
          [{ legId: leg, holder: 'test-app', maxSlotWaitMs: 0 }],
          { optimisticTries: 0 },
        )
      )[0]?.kind,
    ).toBe('unknown-trunk');
  });

  it('a batch grants in request order and spaces the sends of one burst by the calls-per-second limit', async () => {
    await createTrunk(db.ds, {
      name: 'burst-cps',
      sipHost: 'h.example',
      maxConcurrentCalls: 3,
      maxCallsPerSecond: 10,
    });
    const legs = Array.from({ length: 5 }, () => randomUUID());
    const results = await acquireTrunkLines(
      db.ds,
      'burst-cps',
      [legs[0]!, legs[1]!, legs[0]!, legs[2]!, legs[3]!].map((legId) => ({
        legId,
        holder: 'test-app',
        maxSlotWaitMs: 10_000,
      })),
    );
    expect(results.map((r) => r.kind)).toEqual(['granted', 'granted', 'granted', 'granted', 'full']);
    const delays = results.map((r) => (r.kind === 'granted' ? r.delayMs : NaN));
    // The repeated leg keeps its own slot; each new line is 100 ms after the one before.
    expect(delays[2]).toBe(delays[0]);
    expect(delays[1]! - delays[0]!).toBeCloseTo(100, 0);
    expect(delays[3]! - delays[1]!).toBeCloseTo(100, 0);
    expect((await getTrunkByName(db.ds, 'burst-cps'))?.liveCalls).toBe(3);
  });

  it('a freed line is taken by the next call; a retried request keeps its own line', async () => {
    const t = await createTrunk(db.ds, {
      name: 'one-line',
      sipHost: 'h.example',
      maxConcurrentCalls: 1,
      maxCallsPerSecond: 1000,
    });
    const leg = randomUUID();
    expect((await line('one-line', leg)).kind).toBe('granted');
    expect((await line('one-line', leg)).kind).toBe('granted'); // the same leg again: same line
    expect((await line('one-line')).kind).toBe('full');
    expect(await releaseTrunkLine(db.ds, leg)).toBe(true);
    expect(await releaseTrunkLine(db.ds, leg)).toBe(false);
    expect((await line('one-line')).kind).toBe('granted');
    // A raised limit applies to the very next request.
    expect((await line('one-line')).kind).toBe('full');
    await updateTrunk(db.ds, t.id, { maxConcurrentCalls: 2 });
    expect((await line('one-line')).kind).toBe('granted');
  });

  it('spaces sends by the calls-per-second limit with the slot kept in the database', async () => {
    await createTrunk(db.ds, {
      name: 'two-cps',
      sipHost: 'h.example',
      maxConcurrentCalls: 50,
      maxCallsPerSecond: 2,
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => line('two-cps')));
    const delays = results.map((r) => (r.kind === 'granted' ? r.delayMs : -1)).sort((a, b) => a - b);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    // Each grant is 500 ms after the previous one (measured on PostgreSQL's clock).
    for (let i = 1; i < delays.length; i++) expect(delays[i] - delays[i - 1]).toBeGreaterThanOrEqual(450);
    // A slot further away than the caller will wait is not taken.
    const r = await line('two-cps', randomUUID(), 100);
    expect(r.kind).toBe('rate-limited');
  });

  it('refuses a disabled or unknown trunk', async () => {
    expect((await line('carrier-a')).kind).toBe('disabled');
    expect((await line('no-such-trunk')).kind).toBe('unknown-trunk');
  });

  it('frees the lines of an instance whose PBX no longer has the legs', async () => {
    await createTrunk(db.ds, {
      name: 'holder',
      sipHost: 'h.example',
      maxConcurrentCalls: 10,
      maxCallsPerSecond: 1000,
    });
    const keep = randomUUID();
    await line('holder', keep, 10_000, 'other-app');
    await line('holder', randomUUID(), 10_000, 'other-app');
    await db.ds.query(
      `UPDATE trunk_lines SET acquired_at = acquired_at - interval '1 minute' WHERE holder = 'other-app'`,
    );
    const fresh = randomUUID();
    await line('holder', fresh, 10_000, 'other-app');
    const freed = await releaseLinesOfHolder(db.ds, 'other-app', [keep], 5_000);
    expect(freed).toBe(1);
    expect(await one(db.ds, `SELECT 1 FROM trunk_lines WHERE leg_id = $1`, [keep])).toBeDefined();
    expect(await one(db.ds, `SELECT 1 FROM trunk_lines WHERE leg_id = $1`, [fresh])).toBeDefined();
  });

  it('computes health per trunk from the attempts that went out on it', async () => {
    const campaign = await newCampaign(db.ds);
    const user = await newUser(db.ds, campaign.id, 'volunteer');
    const project = await newProject(db.ds, campaign.id);
    await newVoters(
      db.ds,
      campaign.id,
      ['+12025550301', '+12025550302', '+12025550303', '+12025550304'].map((n) => ({
        tags: ['h'],
        phones: [{ number: n }],
      })),
    );
    await target(db.ds, campaign.id, project.id, { tagsAny: ['h'] });
    await createTrunk(db.ds, {
      name: 'health',
      sipHost: 'h.example',
      maxConcurrentCalls: 10,
      maxCallsPerSecond: 1000,
    });
    const t0 = new Date('2030-03-01T15:00:00Z');
    const plan = [
      { answered: true, ringMs: 800, talkS: 30, q850: 16 },
      { answered: true, ringMs: 1200, talkS: 90, q850: 16 },
      { answered: false, ringMs: 1000, talkS: 0, q850: 17 },
      { answered: false, ringMs: null, talkS: 0, q850: 34 },
    ];
    for (const [i, p] of plan.entries()) {
      const c = await claim(db.ds, project.id, user.id, daytimeClock().now());
      expect((await line('health', c.attemptId)).kind).toBe('granted');
      const start = new Date(t0.getTime() + i * 60_000);
      const ring = p.ringMs === null ? null : new Date(start.getTime() + p.ringMs);
      const answer = p.answered ? new Date(start.getTime() + 5_000) : null;
      const end = new Date((answer ?? start).getTime() + (p.answered ? p.talkS * 1000 : 3000));
      await db.ds.query(
        `UPDATE call_attempts SET dial_started_at = $2, ringing_at = $3, answered_at = $4, ended_at = $5, q850_cause = $6 WHERE id = $1`,
        [c.attemptId, start, ring, answer, end, p.q850],
      );
    }
    const all = await trunkHealth(db.ds, new Date('2030-03-01T00:00:00Z'), new Date('2030-03-02T00:00:00Z'));
    const h = all.find((x) => x.name === 'health')!;
    expect(h).toMatchObject({
      seizures: 4,
      answered: 2,
      asr: 0.5,
      acdSeconds: 60,
      pddMeanMs: 1000,
      pddP95Ms: 1200,
    });
    expect(h.causeMix).toEqual([
      { sip: 200, label: '200 answered', calls: 2, share: 0.5 },
      { sip: 486, label: '486 Busy Here', calls: 1, share: 0.25 },
      { sip: 503, label: '503 Service Unavailable', calls: 1, share: 0.25 },
    ]);
    // Outside the period: nothing.
    const before = await trunkHealth(
      db.ds,
      new Date('2030-02-01T00:00:00Z'),
      new Date('2030-02-02T00:00:00Z'),
    );
    expect(before.find((x) => x.name === 'health')).toMatchObject({ seizures: 0, asr: null });
    expect(all.find((x) => x.name === 'voter-trunk')).toMatchObject({ seizures: 0 });
  });
});
