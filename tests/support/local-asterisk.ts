import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnvFile } from '../../libs/config/src/config.schema';

export const REPO_ROOT = resolve(__dirname, '..', '..');
const PROVISION = join(REPO_ROOT, 'asterisk', 'provision.sh');

export interface AriSettings {
  url: string;
  user: string;
  password: string;
  app: string;
}

/**
 * ARI settings for the tests: ASTERISK_ARI_URL & co. when set (an Asterisk you run), else the
 * local Asterisk that tests/run-all.sh provisioned and started.
 */
export function ariSettings(): AriSettings {
  let env: Record<string, string | undefined> = process.env;
  if (!env.ASTERISK_ARI_URL) {
    const file = join(process.env.PHONEBANK_DATA_DIR ?? join(REPO_ROOT, '.data'), 'asterisk', 'ari.env');
    if (!existsSync(file)) {
      throw new Error(
        `no Asterisk for the tests: set ASTERISK_ARI_URL or run "bash asterisk/provision.sh start"`,
      );
    }
    env = parseEnvFile(readFileSync(file, 'utf8'));
  }
  return {
    url: env.ASTERISK_ARI_URL ?? '',
    user: env.ASTERISK_ARI_USER ?? 'phonebank',
    password: env.ASTERISK_ARI_PASSWORD ?? '',
    app: env.ASTERISK_ARI_APP ?? 'phonebank',
  };
}

/** Can this test run stop and start Asterisk itself? Only for the locally provisioned one. */
export function canControlLocalAsterisk(): boolean {
  return !process.env.ASTERISK_ARI_URL;
}

export function localAsterisk(command: 'start' | 'stop' | 'status' | 'restart'): void {
  execFileSync('bash', [PROVISION, command], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
}

/** Kill Asterisk hard (no clean shutdown), as a crash would. */
export function killLocalAsterisk(): void {
  execFileSync('bash', [PROVISION, 'kill'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 30_000 });
}

export function asteriskCli(command: string): string {
  return execFileSync('bash', [PROVISION, 'cli', command], { encoding: 'utf8', timeout: 30_000 });
}
