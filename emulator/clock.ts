/**
 * Time source for everything that moves on its own in the emulator: task transitions, restarts,
 * asynchronous deploys and token expiry. Tests use {@link ManualClock} so nothing depends on wall
 * time; the demo and end-to-end runs use {@link RealClock}.
 */

/** Opaque handle returned by {@link EmulatorClock.setTimer}. */
export interface TimerHandle {
  readonly id: number;
}

/** The clock contract the emulator schedules against. */
export interface EmulatorClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once, `delayMs` from now. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Stops every pending timer; called by `close()`. */
  dispose(): void;
}

/** Wall-clock time and `setTimeout`. */
export class RealClock implements EmulatorClock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    const timeout = setTimeout(
      () => {
        this.timers.delete(id);
        fn();
      },
      Math.max(0, delayMs),
    );
    // A pending task transition must never keep a test runner or the CLI alive.
    timeout.unref();
    this.timers.set(id, timeout);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const timeout = this.timers.get(handle.id);
    if (timeout) clearTimeout(timeout);
    this.timers.delete(handle.id);
  }

  dispose(): void {
    for (const timeout of this.timers.values()) clearTimeout(timeout);
    this.timers.clear();
  }
}

interface ManualTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time that only moves when a test calls {@link ManualClock.advance}. Timers due within the
 * advanced window run in time order, including timers they schedule themselves, exactly like fake
 * timers; so `advance(10_000)` plays out ten seconds of task transitions synchronously.
 */
export class ManualClock implements EmulatorClock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly timers = new Map<number, ManualTimer>();
  private waiters: Array<() => void> = [];

  /** @param startMs the initial virtual time (default 2024-10-23T12:00:00Z, a fixed instant). */
  constructor(startMs = Date.UTC(2024, 9, 23, 12, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, delayMs), seq: this.seq++, fn });
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    return { id };
  }

  /**
   * Resolves when the next timer is scheduled. Lets a test wait, without wall-clock sleeps, until
   * a request that waits on emulator time (a synchronous deploy with `deployDurationMs`) has
   * reached that wait, and then `advance()` past it.
   */
  nextTimer(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  dispose(): void {
    this.timers.clear();
    this.waiters = [];
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order. `advance(0)` fires timers due now. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(${ms}): expected a non-negative number`);
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /**
   * Fires timers until none is left or `maxMs` of virtual time has passed; returns the virtual
   * milliseconds that elapsed. The bound matters because a crash loop schedules timers forever.
   */
  runUntilIdle(maxMs = 3_600_000): number {
    const start = this.current;
    const limit = start + maxMs;
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > limit) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    return this.current - start;
  }

  private earliest(): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/** Resolves after `ms` on the given clock (virtual time for a manual clock). */
export function sleepOn(clock: EmulatorClock, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}

/** Like {@link sleepOn} but always waits for a timer, even for 0 ms. */
export function tickOn(clock: EmulatorClock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(ms, resolve);
  });
}

/** RFC 3339 with nanoseconds, as Go's `time.Time` marshals in Docker API objects. */
export function isoNano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-10-23T12:00:00.123Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}
