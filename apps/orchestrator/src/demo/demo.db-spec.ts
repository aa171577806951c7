import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { loadConfig } from '@phonebank/config';
import { ManualClock } from '@phonebank/domain';
import { claimNextPhone, creditSummary, one, rows } from '@phonebank/persistence';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../../libs/persistence/src/testing/test-database';
import { CLOCK } from '../clock/clock.module';
import { APP_CONFIG } from '../config/config.module';
import { DemoModule } from './demo.module';

/** The demo `npm start` seeds: a newcomer sees calls go out whatever the hour, run after run. */
describe('demo campaign (npm start)', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('pb_demo');
    dataDir = mkdtempSync(join(tmpdir(), 'phonebank-demo-'));
    process.env.PHONEBANK_DEMO = '1';
  });
  afterAll(async () => {
    delete process.env.PHONEBANK_DEMO;
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  async function startDemo(at: Date): Promise<{ projectId: string; volunteerToken: string }> {
    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: db.ds },
        {
          provide: APP_CONFIG,
          useValue: loadConfig({
            ASTERISK_ARI_URL: 'http://127.0.0.1:9',
            ASTERISK_ARI_PASSWORD: 'not-used-in-this-test',
            PHONEBANK_DATA_DIR: dataDir,
          }),
        },
      ],
      exports: [DataSource, APP_CONFIG],
    })
    class Deps {}
    const moduleRef = await Test.createTestingModule({ imports: [Deps, DemoModule] })
      .overrideProvider(CLOCK)
      .useValue(new ManualClock(at))
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.close();
    const file = join(dataDir, 'demo.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    return JSON.parse(readFileSync(file, 'utf8')) as { projectId: string; volunteerToken: string };
  }

  it.each([
    ['at 03:00 UTC (night in the US)', '2026-11-26T03:00:00Z'],
    ['at 16:00 UTC', '2026-11-26T16:00:00Z'],
    ['again at 23:30 UTC', '2026-11-26T23:30:00Z'],
  ])('a start %s queues a fresh project of voters who may be called now', async (_when, iso) => {
    const now = new Date(iso);
    const before = await rows<{ id: string }>(db.ds, `SELECT id FROM projects WHERE archived_at IS NULL`);
    const demo = await startDemo(now);

    const open = await rows<{ id: string }>(db.ds, `SELECT id FROM projects WHERE archived_at IS NULL`);
    expect(open.map((p) => p.id)).toEqual([demo.projectId]);
    expect(before.map((p) => p.id)).not.toContain(demo.projectId);
    const queued = await one<{ n: number }>(
      db.ds,
      `SELECT count(*)::int AS n FROM queue_entries WHERE project_id = $1 AND state = 'queued'`,
      [demo.projectId],
    );
    expect(queued?.n).toBe(12);

    const volunteer = await one<{ id: string; campaign_id: string }>(
      db.ds,
      `SELECT u.id, u.campaign_id FROM users u JOIN project_access a ON a.user_id = u.id
       WHERE a.project_id = $1`,
      [demo.projectId],
    );
    const claimed = await claimNextPhone(db.ds, {
      projectId: demo.projectId,
      userId: volunteer!.id,
      leaseSeconds: 60,
      now,
    });
    expect(claimed.kind).toBe('claimed');
    expect((await creditSummary(db.ds, volunteer!.campaign_id, now)).balanceCents).toBeGreaterThan(0);
    const campaigns = await one<{ n: number }>(db.ds, `SELECT count(*)::int AS n FROM campaigns`);
    expect(campaigns?.n).toBe(1);
  });
});
