import type { Clock, Millis, Scheduler } from './types.js';

/**
 * A clock that moves only when told: for tests of anything that takes a `Clock`.
 *
 * @example
 * ```ts
 * const clock = new FakeClock(1_000);
 * clock.set(2_000);
 * clock.now(); // 2000
 * ```
 */
export class FakeClock implements Clock {
  constructor(private time: Millis = 0) {}

  now(): Millis {
    return this.time;
  }

  /** Moves the time; never backwards. */
  set(time: Millis): void {
    if (time < this.time)
      throw new RangeError(`FakeClock cannot go back from ${this.time} to ${time}`);
    this.time = time;
  }
}

/**
 * A scheduler driven by `advance`: each wake-up runs synchronously with the clock set to its
 * exact time, so tests see transitions at their nominal times without sleeping.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const scheduler = new FakeScheduler(clock);
 * const monitor = new HeartbeatMonitor({ clock, scheduler });
 * monitor.start();
 * scheduler.advance(30_000); // fires everything due within the next 30 s, in order
 * ```
 */
export class FakeScheduler implements Scheduler {
  private wake: (() => void) | undefined;
  private at: Millis = 0;

  constructor(readonly clock: FakeClock) {}

  /** The armed wake-up time, or `undefined`. */
  get armedAt(): Millis | undefined {
    return this.wake === undefined ? undefined : this.at;
  }

  arm(at: Millis, wake: () => void): void {
    this.at = at;
    this.wake = wake;
  }

  disarm(): void {
    this.wake = undefined;
  }

  /** Advances the clock by `ms`, firing every wake-up due on the way. */
  advance(ms: Millis): void {
    this.advanceTo(this.clock.now() + ms);
  }

  /** Advances the clock to `time`, firing every wake-up due on the way. */
  advanceTo(time: Millis): void {
    for (let wake = this.wake; wake !== undefined && this.at <= time; wake = this.wake) {
      this.wake = undefined;
      if (this.at > this.clock.now()) this.clock.set(this.at);
      wake();
    }
    this.clock.set(time);
  }
}
