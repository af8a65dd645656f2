import type { Logger } from 'pino';
import type { Clock } from '../monitor/types.js';
import type { ClusterStore, SharedSession } from './store.js';
import type { ClusterTimings } from './timings.js';

/**
 * This node's liveness and the reaping of dead ones: marks itself alive every `aliveMs`,
 * and every `reapMs`, once a mark of its own is answered, asks the store for one node not
 * marked for `ttlMs` (one script call: no sweep of sessions), adopting its sessions in
 * batches. Nothing is judged while Redis is away (connection lost, or not answering), nor
 * for `graceMs` after it is back: every live node must have marked itself again first, so
 * an outage makes no node look dead.
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

  /** Redis is away (or not answering): no marks, no reaping, until `up`. */
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
    const { store, node, timings, log } = this.options;
    if (this.reaping || !this.mayReap()) return;
    this.reaping = true;
    try {
      // A reap is only ever sent just after Redis answered this node. Sent into a Redis
      // that froze (SIGSTOP, a stuck host: the connection stays open) it would wait in the
      // socket with this node's own marks before it, and run when Redis wakes up, possibly
      // before the other nodes' waiting marks: they would all look dead. The REAP script
      // also judges nothing after a gap in this node's marks (lua.ts), which a freeze
      // leaves even when it began after this mark was answered.
      await store.alive(node);
      // Asked again before every call: Redis may have been away meanwhile (grace again).
      while (this.mayReap()) {
        const reaped = await store.reap(node, timings.ttlMs, timings.reapBatch);
        if (reaped === undefined) break;
        // What Redis moved to this node is this node's, whenever the answer comes.
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

  private mayReap(): boolean {
    if (!this.reachable || !this.loaded || this.closed) return false;
    return this.options.clock.now() - this.reachableSince >= this.options.timings.graceMs;
  }

  /** Leaving: marked dead at once, so that survivors take the rest within `reapMs`. */
  async leave(): Promise<void> {
    this.closed = true;
    if (this.reachable) await this.options.store.alive(this.options.node, true).catch(() => {});
  }

  get stopped(): boolean {
    return this.closed;
  }
}
