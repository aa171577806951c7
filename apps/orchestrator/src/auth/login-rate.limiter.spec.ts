import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, LoginRateLimiter } from './login-rate.limiter';

describe('LoginRateLimiter', () => {
  let now = 0;
  const limiter = () => new LoginRateLimiter(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('blocks an email + address after too many failures, until the window has passed', () => {
    const l = limiter();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      expect(l.retryAfterSeconds('Vol@Example.org', '10.0.0.1')).toBe(0);
      l.recordFailure('vol@example.org', '10.0.0.1');
    }
    expect(l.retryAfterSeconds('vol@example.org', '10.0.0.1')).toBe(LOGIN_WINDOW_MS / 1000);
    // Another address, or another email, is not blocked by these failures.
    expect(l.retryAfterSeconds('vol@example.org', '10.0.0.2')).toBe(0);
    expect(l.retryAfterSeconds('other@example.org', '10.0.0.1')).toBe(0);
    now += LOGIN_WINDOW_MS + 1;
    expect(l.retryAfterSeconds('vol@example.org', '10.0.0.1')).toBe(0);
  });

  it('forgets the failures of a pair once it logs in', () => {
    const l = limiter();
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) l.recordFailure('a@b.org', 'ip');
    l.recordSuccess('a@b.org', 'ip');
    l.recordFailure('a@b.org', 'ip');
    expect(l.retryAfterSeconds('a@b.org', 'ip')).toBe(0);
  });
});
