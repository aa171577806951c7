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
