import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The orchestrator's whole configuration, validated once at boot into one typed object.
 * Values come from the environment; a missing or wrong one stops the process with a
 * message that names the setting and says what it expects.
 */
export interface AppConfig {
  http: { host: string; port: number };
  /** Where the orchestrator keeps local state (embedded PostgreSQL, provisioned Asterisk secrets). */
  dataDir: string;
  /** Undefined: start the embedded PostgreSQL under dataDir. */
  databaseUrl?: Secret;
  /** Connections this instance keeps to PostgreSQL (the claim, outcomes, session records, …). */
  databasePoolSize: number;
  pbx: AsteriskConfig | FreeswitchConfig;
  dialing: {
    /** The engine's own no-answer limit (SPEC §3: 60 s). */
    ringTimeoutSeconds: number;
    /** The trunk used when a project names none. */
    defaultTrunk: string;
    /** The number volunteers call to join a power-dialing session (shown on the call screen). */
    dialInNumber: string;
  };
  /**
   * Where the PBX fetches audio the orchestrator serves (project voicemail recordings), e.g.
   * http://10.0.0.5:3000 for a remote Asterisk. Undefined: this orchestrator's own HTTP port
   * on loopback (a PBX on the same host).
   */
  mediaBaseUrl?: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export interface AsteriskConfig {
  kind: 'asterisk';
  ariUrl: string;
  ariUser: string;
  ariPassword: Secret;
  app: string;
}

export interface FreeswitchConfig {
  kind: 'freeswitch';
  eslUrl: Secret;
  /** Where the sofia profile loads trunk gateways from (shared with FreeSWITCH); unset: no managed trunks. */
  gatewayDir?: string;
}

/** A value that must never reach a log: it prints as "[secret]". */
export class Secret {
  constructor(private readonly value: string) {}
  reveal(): string {
    return this.value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set these environment variables (see README.md, "Configuration") and start again.',
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const raw = this.env[name]?.trim();
    if (raw) return raw;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is missing: expected a value`);
    return '';
  }

  optional(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} is "${raw}": expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} is "${raw}": expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, protocols: string[], value: string | undefined): string {
    if (value === undefined) return '';
    try {
      const u = new URL(value);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
      }
    } catch {
      // Never echo a URL that may hold credentials.
      this.problems.push(`${name} is not a valid URL: expected e.g. ${protocols[0]}//host:port/…`);
    }
    return value;
  }
}

/** KEY=VALUE lines, as written by asterisk/provision.sh. */
export function parseEnvFile(text: string): Env {
  const out: Env = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Build and validate the configuration. When no ASTERISK_ARI_URL is given, the settings that
 * `asterisk/provision.sh start` wrote for the local Asterisk are used.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const r = new Reader(env);
  const dataDir = resolve(cwd, r.string('PHONEBANK_DATA_DIR', '.data'));
  const pbxKind = r.oneOf('PBX', ['asterisk', 'freeswitch'] as const, 'asterisk');

  let pbx: AppConfig['pbx'];
  if (pbxKind === 'freeswitch') {
    const eslUrl = r.string('FREESWITCH_ESL_URL');
    r.url('FREESWITCH_ESL_URL', ['esl:', 'tcp:'], eslUrl || undefined);
    const gatewayDir = env.FREESWITCH_GATEWAY_DIR?.trim();
    pbx = { kind: 'freeswitch', eslUrl: new Secret(eslUrl), ...(gatewayDir ? { gatewayDir } : {}) };
  } else {
    let ariEnv: Env = env;
    const provisioned = resolve(dataDir, 'asterisk', 'ari.env');
    if (!env.ASTERISK_ARI_URL?.trim() && existsSync(provisioned)) {
      ariEnv = { ...parseEnvFile(readFileSync(provisioned, 'utf8')), ...stripEmpty(env) };
    }
    const ar = new Reader(ariEnv);
    const ariUrl = ar.optional('ASTERISK_ARI_URL');
    if (!ariUrl) {
      r.problems.push(
        'ASTERISK_ARI_URL is missing: expected the http(s) URL of Asterisk ARI, e.g. http://127.0.0.1:8088 ' +
          '(or run "bash asterisk/provision.sh start" to provision a local Asterisk, which writes it for you)',
      );
    } else {
      ar.url('ASTERISK_ARI_URL', ['http:', 'https:'], ariUrl);
    }
    const password = ar.string('ASTERISK_ARI_PASSWORD');
    if (password && password.length < 12) {
      ar.problems.push(
        'ASTERISK_ARI_PASSWORD is too short: expected at least 12 characters (no default passwords)',
      );
    }
    pbx = {
      kind: 'asterisk',
      ariUrl: ariUrl ?? '',
      ariUser: ar.string('ASTERISK_ARI_USER', 'phonebank'),
      ariPassword: new Secret(password),
      app: ar.string('ASTERISK_ARI_APP', 'phonebank'),
    };
    if (!/^[A-Za-z0-9_-]+$/.test(pbx.app))
      ar.problems.push('ASTERISK_ARI_APP must be letters, digits, - or _');
    r.problems.push(...ar.problems.filter((p) => !(p.startsWith('ASTERISK_ARI_URL') && !ariUrl)));
  }

  const databaseUrl = r.optional('DATABASE_URL');
  if (databaseUrl) r.url('DATABASE_URL', ['postgres:', 'postgresql:'], databaseUrl);

  const config: AppConfig = {
    http: {
      host: r.string('HTTP_HOST', '127.0.0.1'),
      port: r.int('HTTP_PORT', 3000, 0, 65535),
    },
    dataDir,
    databaseUrl: databaseUrl ? new Secret(databaseUrl) : undefined,
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 20, 2, 500),
    pbx,
    dialing: {
      ringTimeoutSeconds: r.int('RING_TIMEOUT_SECONDS', 60, 5, 300),
      defaultTrunk: r.string('DEFAULT_TRUNK', 'voter-trunk'),
      dialInNumber: r.string('DIAL_IN_NUMBER', '+15550000100'),
    },
    mediaBaseUrl: r.optional('MEDIA_BASE_URL')?.replace(/\/+$/, ''),
    logLevel: r.oneOf('LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'] as const, 'log'),
  };
  if (!/^\+[1-9][0-9]{6,14}$/.test(config.dialing.dialInNumber)) {
    r.problems.push(
      `DIAL_IN_NUMBER is "${config.dialing.dialInNumber}": expected an E.164 number like +15550000100`,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(config.dialing.defaultTrunk)) {
    r.problems.push('DEFAULT_TRUNK must be a trunk name: letters, digits, - or _');
  }
  if (config.mediaBaseUrl) r.url('MEDIA_BASE_URL', ['http:', 'https:'], config.mediaBaseUrl);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function stripEmpty(env: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}
