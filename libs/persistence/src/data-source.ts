import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { QUEUE_ENTITIES } from './entities';
import { QueueSchema1760000000000 } from './migrations/1760000000000-queue-schema.migration';
import { PowerDial1760000100000 } from './migrations/1760000100000-power-dial.migration';
import { Accounts1760000200000 } from './migrations/1760000200000-accounts.migration';
import { QueuePerformance1760000300000 } from './migrations/1760000300000-queue-performance.migration';
import { Trunks1760000400000 } from './migrations/1760000400000-trunks.migration';
import { CallerIdAndVoicemail1760000500000 } from './migrations/1760000500000-caller-id-and-voicemail.migration';
import { StaffPages1760000600000 } from './migrations/1760000600000-staff-pages.migration';
import { DncCreditsDashboard1760000700000 } from './migrations/1760000700000-dnc-credits-dashboard.migration';
import { Reports1760000800000 } from './migrations/1760000800000-reports.migration';

/** Every migration, in order. Other areas append theirs here. */
export const MIGRATIONS = [
  QueueSchema1760000000000,
  PowerDial1760000100000,
  Accounts1760000200000,
  QueuePerformance1760000300000,
  Trunks1760000400000,
  CallerIdAndVoicemail1760000500000,
  StaffPages1760000600000,
  DncCreditsDashboard1760000700000,
  Reports1760000800000,
];

export interface DataSourceOptions {
  /** Connection pool size (default 10). */
  poolSize?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Keep every connection the pool opens (default: close one after 10 s idle). For a long-running
   * server on the call path: a new connection costs a backend start and then cold catalog caches
   * and statements planned anew, tens of milliseconds on the first queries it runs.
   */
  keepConnections?: boolean;
}

/** A TypeORM data source on PostgreSQL. Schema comes from migrations only: never synchronize. */
export function createDataSource(databaseUrl: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: QUEUE_ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName ?? 'phonebank',
    extra: {
      // Named prepared statements (the claim) are planned for their actual parameters on every
      // run: after five runs PostgreSQL would otherwise switch to a generic plan, and a generic
      // plan of the claim cannot see how many queue entries its filters leave, so it sorts them
      // all instead of walking the hand-out index (7 ms instead of 0.7 ms on 2,000 entries, and
      // growing with the queue). Unnamed statements are planned this way anyway.
      options: '-c plan_cache_mode=force_custom_plan',
      max: options.poolSize ?? 10,
      ...(options.keepConnections ? { min: options.poolSize ?? 10 } : {}),
    },
  });
}

/**
 * Open `connections` pool connections now (each runs one trivial query), so that the first
 * requests do not wait for PostgreSQL to start backends.
 */
export async function warmPool(ds: DataSource, connections: number): Promise<void> {
  const runners = Array.from({ length: connections }, () => ds.createQueryRunner());
  try {
    await Promise.all(runners.map((r) => r.connect().then(() => r.query('SELECT 1'))));
  } finally {
    await Promise.all(runners.map((r) => r.release()));
  }
}

/** Arbitrary but fixed: every instance takes the same lock before migrating. */
const MIGRATION_LOCK_KEY = 7_240_310_031;

/**
 * Run pending migrations under a PostgreSQL advisory lock, so several orchestrator instances
 * starting at once migrate one after the other (the later ones find nothing to do).
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
