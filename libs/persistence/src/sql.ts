import type { DataSource, EntityManager } from 'typeorm';

/** Anything that runs SQL: a data source, or the entity manager of a transaction. */
export type Db = DataSource | EntityManager;

export async function rows<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

export async function one<T>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const r = await rows<T>(db, sql, params);
  return r[0];
}

/** Errors of the persistence layer, with codes the API maps to HTTP statuses. */
export class QueueError extends Error {
  constructor(
    readonly code:
      'NOT_FOUND' | 'FORBIDDEN' | 'LEASE_LOST' | 'OUTCOME_CONFLICT' | 'INVALID_OUTCOME' | 'INVALID_INPUT',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Refresh a table's planner statistics after a bulk change that grew it a lot: 10,000 rows or
 * more, or a fifth of what the statistics knew (any change to a never-analyzed table). Without
 * it the planner takes a freshly filled table for an almost empty one and picks scans that
 * cost the claim tens of milliseconds; autovacuum would catch up only later, if it runs at all.
 */
export async function analyzeIfGrown(db: Db, table: string, added: number): Promise<void> {
  if (added <= 0) return;
  if (added < 10_000) {
    const r = await one<{ reltuples: number }>(
      db,
      'SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = $1::regclass',
      [table],
    );
    if (r && r.reltuples >= 0 && added < 0.2 * r.reltuples) return;
  }
  await db.query(`ANALYZE ${table}`);
}

/** Rows of an UPDATE/DELETE … RETURNING (TypeORM answers those as [rows, rowCount]). */
export async function returned<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  const r = (await db.query(sql, params)) as unknown;
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number')
    return r[0] as T[];
  return r as T[];
}
