/** `npm run migration:run`: apply pending migrations to DATABASE_URL (or the embedded database). */
import { createDataSource, runMigrations } from './data-source';
import { resolveDatabaseUrl } from './embedded-database';

async function main(): Promise<void> {
  const db = await resolveDatabaseUrl();
  const ds = createDataSource(db.url, { poolSize: 2, applicationName: 'phonebank-migrate' });
  try {
    const ran = await runMigrations(ds);
    process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'schema up to date\n');
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
