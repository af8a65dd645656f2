import type { Logger } from 'pino';
import type { Clock } from '../monitor/types.js';
import type { ClusterStore, SharedSession } from './store.js';
import type { ClusterTimings } from './timings.js';

/**
 * This node's liveness and the reaping of dead ones: marks itself alive every `aliveMs`,
 * and every `reapMs` asks the store for one node not marked for `ttlMs` (one script call:
 * no sweep of sessions), adopting its sessions in batches. Nothing is judged while Redis is
 * away, nor for `graceMs` after it is back: every live node must have marked itself again
 * first, so an outage makes no node look dead.
 */
export class Liveness {
  private reachable = false;
  private reachableSince = 0;
  private loaded = false;
  private closed = false;
  private reaping = false;

  constructor(
    private readonly options: {
      readonly store: ClusterStore;
      readonly node: string;
      readonly clock: Clock;
      readonly timings: ClusterTimings;
      readonly log: Logger;
      readonly adopt: (sessions: readonly SharedSession[]) => void;
    },
  ) {}

  get ready(): boolean {
    return this.reachable && this.loaded;
  }

  /** Redis is (back) up: mark alive at once, and start the grace period. */
  up(): void {
    this.reachable = true;
    this.reachableSince = this.options.clock.now();
    this.markAlive();
  }

  down(): void {
    this.reachable = false;
  }

  /** The replica and the event tail are loaded: reaping may start. */
  loadedNow(): void {
    this.loaded = true;
  }

  readonly markAlive = (): void => {
    if (!this.reachable || this.closed) return;
    this.options.store
      .alive(this.options.node)
      .catch((err: unknown) => this.options.log.debug({ err }, 'alive mark failed'));
  };

  readonly reap = async (): Promise<void> => {
    const { store, node, clock, timings, log } = this.options;
    if (!this.reachable || !this.loaded || this.reaping || this.closed) return;
    if (clock.now() - this.reachableSince < timings.graceMs) return;
    this.reaping = true;
    try {
      for (;;) {
        const reaped = await store.reap(node, timings.ttlMs, timings.reapBatch);
        if (reaped === undefined) break;
        if (reaped.sessions.length > 0) {
          log.info({ dead: reaped.dead, sessions: reaped.sessions.length }, 'dead node reaped');
          this.options.adopt(reaped.sessions);
        }
      }
    } catch (err) {
      log.debug({ err }, 'reap failed');
    } finally {
      this.reaping = false;
    }
  };

  /** Leaving: marked dead at once, so that survivors take the rest within `reapMs`. */
  async leave(): Promise<void> {
    this.closed = true;
    if (this.reachable) await this.options.store.alive(this.options.node, true).catch(() => {});
  }

  get stopped(): boolean {
    return this.closed;
  }
}
