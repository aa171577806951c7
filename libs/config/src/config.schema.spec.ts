import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from './config.schema';

const ok = {
  ASTERISK_ARI_URL: 'http://127.0.0.1:8088',
  ASTERISK_ARI_PASSWORD: 'a-long-generated-secret',
};
const emptyDir = () => mkdtempSync(join(tmpdir(), 'pb-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, emptyDir());
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives defaults for everything optional', () => {
    const c = loadConfig(ok, emptyDir());
    expect(c.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(c.dialing.ringTimeoutSeconds).toBe(60);
    expect(c.pbx.kind).toBe('asterisk');
    expect(c.databaseUrl).toBeUndefined();
  });

  it('names a missing ARI URL and says how to get one', () => {
    const problems = problemsOf({ ASTERISK_ARI_PASSWORD: 'x'.repeat(20) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ASTERISK_ARI_URL is missing/);
    expect(problems[0]).toMatch(/provision\.sh start/);
  });

  it('rejects bad numbers, enums and URLs, naming each setting and what it expects', () => {
    const problems = problemsOf({
      ...ok,
      HTTP_PORT: 'eighty',
      RING_TIMEOUT_SECONDS: '1',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://u:p@h/db',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL must use postgres: or postgresql:/),
      expect.stringMatching(/^HTTP_PORT is "eighty": expected a whole number from 0 to 65535/),
      expect.stringMatching(/^RING_TIMEOUT_SECONDS is "1": expected a whole number from 5 to 300/),
      expect.stringMatching(/^LOG_LEVEL is "loud": expected one of error, warn, log, debug, verbose/),
    ]);
  });

  it('refuses short ARI passwords: no default passwords anywhere', () => {
    expect(problemsOf({ ...ok, ASTERISK_ARI_PASSWORD: 'asterisk' })).toEqual([
      expect.stringMatching(/ASTERISK_ARI_PASSWORD is too short/),
    ]);
  });

  it('never prints a secret, even when the URL that holds it is malformed', () => {
    const c = loadConfig({ ...ok, DATABASE_URL: 'postgres://u:hunter2@db/x' }, emptyDir());
    expect(JSON.stringify(c)).not.toContain('hunter2');
    expect(inspect(c, { depth: 5 })).not.toContain('hunter2');
    expect(JSON.stringify(c)).not.toContain('a-long-generated-secret');
    const problems = problemsOf({ ...ok, DATABASE_URL: 'postgres//u:hunter2@' });
    expect(problems.join()).not.toContain('hunter2');
  });

  it('uses the settings written by asterisk/provision.sh when no ARI URL is given', () => {
    const dir = emptyDir();
    mkdirSync(join(dir, '.data', 'asterisk'), { recursive: true });
    writeFileSync(
      join(dir, '.data', 'asterisk', 'ari.env'),
      'ASTERISK_ARI_URL=http://127.0.0.1:18088\nASTERISK_ARI_USER=phonebank\nASTERISK_ARI_PASSWORD=generated-secret-123\n',
    );
    const c = loadConfig({}, dir);
    expect(c.pbx).toMatchObject({ kind: 'asterisk', ariUrl: 'http://127.0.0.1:18088', ariUser: 'phonebank' });
  });

  it('takes a FreeSWITCH ESL URL when PBX=freeswitch', () => {
    const c = loadConfig(
      { PBX: 'freeswitch', FREESWITCH_ESL_URL: 'esl://:ClueCon@127.0.0.1:8021' },
      emptyDir(),
    );
    expect(c.pbx.kind).toBe('freeswitch');
    expect(problemsOf({ PBX: 'freeswitch' })).toEqual([
      expect.stringMatching(/^FREESWITCH_ESL_URL is missing/),
    ]);
  });
});
