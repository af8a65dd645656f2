import { systemClock } from './clock.js';
import type { Clock, Millis, Scheduler } from './types.js';

/** Node clamps longer delays to 1 ms; longer waits are re-armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The production scheduler: one real timer, armed to the earliest deadline.
 *
 * When the timer fires, the wake-up runs in a `setImmediate`, that is after the event loop's
 * poll phase: beats that queued up on sockets while the loop was blocked are read first, so
 * a blocked loop causes no false `warning` or `timeout`. A timer that fires early (libuv
 * caches the loop time, Date.now() may step) is simply re-armed.
 *
 * @example
 * ```ts
 * const monitor = new HeartbeatMonitor({ scheduler: new TimerScheduler() });
 * ```
 */
export class TimerScheduler implements Scheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private at = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly clock: Clock = systemClock) {}

  arm(at: Millis, wake: () => void): void {
    this.disarm();
    this.at = at;
    this.wake = wake;
    this.schedule();
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.wake = undefined;
  }

  private schedule(): void {
    const delay = this.at - this.clock.now();
    if (delay <= 0) this.immediate = setImmediate(this.fire);
    else this.timer = setTimeout(this.onTimer, Math.min(delay, MAX_DELAY_MS));
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.schedule();
  };

  private readonly fire = (): void => {
    this.immediate = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };
}

/** A repeating timer, injected where a component beats on its own (the in-process client). */
export interface Ticker {
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  every(intervalMs: Millis, tick: () => void): () => void;
}

/** The real `setInterval` ticker. */
export const intervalTicker: Ticker = Object.freeze({
  every(intervalMs: Millis, tick: () => void): () => void {
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  },
});
