import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt with N = 2^15, r = 8, p = 1: 32 MiB and ~50–100 ms per hash (OWASP's recommended floor). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const maxmem = (p: { N: number; r: number }) => 128 * p.N * p.r * 2;

/**
 * Passwords hashed with scrypt (memory-hard, in Node itself: no native dependency). Stored as
 * `scrypt$N$r$p$salt$key` (base64url), so the cost can be raised later and old hashes verify.
 */
@Injectable()
export class PasswordHasher {
  /** A hash to compare against when the user is unknown, so timing does not reveal accounts. */
  private dummy?: Promise<string>;

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: maxmem(PARAMS) });
    return [
      'scrypt',
      PARAMS.N,
      PARAMS.r,
      PARAMS.p,
      salt.toString('base64url'),
      key.toString('base64url'),
    ].join('$');
  }

  /** True when `password` matches `stored`; an unknown user (stored null) costs the same time. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const target = stored ?? (await (this.dummy ??= this.hash(randomBytes(16).toString('hex'))));
    const parts = target.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
    const salt = Buffer.from(parts[4]!, 'base64url');
    const expected = Buffer.from(parts[5]!, 'base64url');
    const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem({ N, r }) });
    return timingSafeEqual(key, expected) && stored !== null;
  }
}
