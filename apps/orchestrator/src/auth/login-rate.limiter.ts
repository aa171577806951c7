import { Injectable } from '@nestjs/common';

/** Failed logins allowed per email + IP within the window; then 429 until the window passes. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** A cap per IP over all emails, against spraying many accounts from one address. */
export const LOGIN_MAX_FAILURES_PER_IP = 50;

/**
 * Login attempt limits, in memory: right for one orchestrator instance. Several instances
 * behind a load balancer each count on their own (the limit is then per instance); move the
 * counters to PostgreSQL or Redis when running more than one.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfterSeconds(email: string, ip: string): number {
    const t = this.now();
    const byPair = this.recent(pairKey(email, ip), t);
    const byIp = this.recent(ipKey(ip), t);
    const blocked = [
      byPair.length >= LOGIN_MAX_FAILURES ? byPair[byPair.length - LOGIN_MAX_FAILURES]! : null,
      byIp.length >= LOGIN_MAX_FAILURES_PER_IP ? byIp[byIp.length - LOGIN_MAX_FAILURES_PER_IP]! : null,
    ].filter((x): x is number => x !== null);
    if (blocked.length === 0) return 0;
    return Math.max(1, Math.ceil((Math.max(...blocked) + LOGIN_WINDOW_MS - t) / 1000));
  }

  recordFailure(email: string, ip: string): void {
    const t = this.now();
    for (const key of [pairKey(email, ip), ipKey(ip)]) this.failures.set(key, [...this.recent(key, t), t]);
    if (this.failures.size > 100_000) this.sweep(t);
  }

  recordSuccess(email: string, ip: string): void {
    this.failures.delete(pairKey(email, ip));
  }

  private recent(key: string, t: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((at) => at > t - LOGIN_WINDOW_MS);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private sweep(t: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, t);
  }
}

const pairKey = (email: string, ip: string) => `e:${email.trim().toLowerCase()}|${ip}`;
const ipKey = (ip: string) => `i:${ip}`;
