/**
 * Sign-in throttling: failed attempts are counted per account and per client IP over a sliding
 * window; past the limit, attempts are refused before any password is checked, with the time
 * left. In memory on purpose: the panel is one process (ADR 003), and an attacker cannot
 * restart it; a restart forgiving old failures is acceptable.
 */

/** The most keys remembered; beyond it the oldest are forgotten first. */
const MAX_KEYS = 50_000;

class FailureWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly limit: number,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    // Blocked until enough old failures leave the window to get back under the limit.
    const unblockingHit = recent[recent.length - this.limit]!;
    return Math.max(1, unblockingHit + this.windowMs - now);
  }

  fail(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    // Keep no more than the limit: older hits can no longer change the answer.
    if (recent.length > this.limit) recent.splice(0, recent.length - this.limit);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > MAX_KEYS) this.prune(now);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.hits) {
      if (times.every((t) => t <= now - this.windowMs)) this.hits.delete(key);
    }
    for (const key of this.hits.keys()) {
      if (this.hits.size <= MAX_KEYS) break;
      this.hits.delete(key);
    }
  }
}

export interface LoginThrottleOptions {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  now?: () => number;
}

export class LoginThrottle {
  private readonly accounts: FailureWindow;
  private readonly ips: FailureWindow;
  private readonly now: () => number;

  constructor(options: LoginThrottleOptions) {
    this.accounts = new FailureWindow(options.windowMs, options.maxFailuresPerAccount);
    this.ips = new FailureWindow(options.windowMs, options.maxFailuresPerIp);
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds before this account or IP may try again (the longer of the two); 0 if allowed. */
  retryAfterMs(email: string, ip: string): number {
    const now = this.now();
    return Math.max(this.accounts.retryAfterMs(email, now), this.ips.retryAfterMs(ip, now));
  }

  recordFailure(email: string, ip: string): void {
    const now = this.now();
    this.accounts.fail(email, now);
    this.ips.fail(ip, now);
  }

  /** A successful sign-in clears the account's failures (not the IP's: one good password
   * must not unlock guessing at other accounts from the same address). */
  recordSuccess(email: string): void {
    this.accounts.reset(email);
  }
}

/**
 * A plain rate limit: at most `limit` actions per key in a sliding window (e.g. API tokens
 * created per account per hour, set-password attempts per address).
 */
export class RateLimiter {
  private readonly window: FailureWindow;
  private readonly now: () => number;

  constructor(options: { windowMs: number; limit: number; now?: () => number }) {
    this.window = new FailureWindow(options.windowMs, options.limit);
    this.now = options.now ?? Date.now;
  }

  /** Counts one action for `key`; returns 0 when allowed, else the milliseconds to wait (not counted). */
  take(key: string): number {
    const now = this.now();
    const waitMs = this.window.retryAfterMs(key, now);
    if (waitMs === 0) this.window.fail(key, now);
    return waitMs;
  }
}
