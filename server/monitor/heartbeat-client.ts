import { PulsegateError } from '../../shared/errors.js';
import { intervalTicker, type Ticker } from './scheduler.js';
import type { Monitor, Millis } from './types.js';

export interface HeartbeatClientOptions {
  /** The local monitor to beat. */
  readonly monitor: Pick<Monitor, 'beat'>;
  readonly sessionId: string;
  readonly tenant?: string;
  /** Time between beats (default 10 s, the seed's). */
  readonly intervalMs?: Millis;
  /** Status text sent with every beat. */
  readonly status?: () => string | undefined;
  /** Default: real `setInterval`. */
  readonly ticker?: Ticker;
}

/**
 * The seed's `HeartbeatClient`, for agents in the same process as the monitor: beats once at
 * `start()` and then every `intervalMs`, until `stop()` or disposal.
 *
 * @example
 * ```ts
 * monitor.register('s1', 'planner');
 * await using client = new HeartbeatClient({ monitor, sessionId: 's1', intervalMs: 10_000 });
 * client.start();
 * // ... agent work; the client stops when the scope ends
 * ```
 */
export class HeartbeatClient implements AsyncDisposable {
  readonly intervalMs: Millis;
  private cancel: (() => void) | undefined;

  constructor(private readonly options: HeartbeatClientOptions) {
    const interval = options.intervalMs ?? 10_000;
    if (!Number.isSafeInteger(interval) || interval <= 0) {
      throw new PulsegateError('invalid', 'intervalMs must be a positive integer');
    }
    this.intervalMs = interval;
  }

  get running(): boolean {
    return this.cancel !== undefined;
  }

  /** Starts beating; a second call does nothing. */
  start(): void {
    if (this.cancel !== undefined) return;
    this.beat();
    this.cancel = (this.options.ticker ?? intervalTicker).every(this.intervalMs, this.beat);
  }

  /** Stops beating; the session is left to the monitor's rules. */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private readonly beat = (): void => {
    const { monitor, sessionId, tenant, status } = this.options;
    monitor.beat(sessionId, { tenant, status: status?.() });
  };
}
