import { randomBytes } from 'node:crypto';
import { createDataSource, warmPool } from './data-source';
import { rows } from './sql';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

/** How the engine's connections to PostgreSQL are set up (real PostgreSQL). */
describe('data source', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pb_datasource', 2);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('plans prepared statements for their parameters on every run (no generic plan of the claim)', async () => {
    const [r] = await rows<{ plan_cache_mode: string }>(db.ds, 'SHOW plan_cache_mode');
    expect(r!.plan_cache_mode).toBe('force_custom_plan');
  });

  it('opens the connections it is asked to warm, and a server pool keeps them', async () => {
    const name = `pb_warm_${randomBytes(3).toString('hex')}`;
    const ds = createDataSource(db.url, { poolSize: 3, applicationName: name, keepConnections: true });
    await ds.initialize();
    try {
      await warmPool(ds, 3);
      const [open] = await rows<{ n: string }>(
        db.ds,
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`,
        [name],
      );
      expect(Number(open!.n)).toBe(3);
      // pg-pool closes idle connections above `min` only
      const pool = (ds.driver as unknown as { master: { options: { min: number; max: number } } }).master;
      expect(pool.options).toMatchObject({ min: 3, max: 3 });
    } finally {
      await ds.destroy();
    }
  });
});
