import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../data-source';

export interface TestDatabase {
  ds: DataSource;
  url: string;
  name: string;
  drop(): Promise<void>;
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, uniquely named database with the real migrations applied; drop() removes it. */
export async function createTestDatabase(prefix = 'pb_test', poolSize = 10): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const ds = createDataSource(url, { poolSize, applicationName: name });
  await ds.initialize();
  await runMigrations(ds);
  return {
    ds,
    url,
    name,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
