import type { Logger } from 'pino';
import type { Transition } from '../../shared/session.js';
import type { Limits } from '../context.js';
import { EventRing } from '../dashboards/event-ring.js';
import type { EventLog } from '../edges.js';
import type { Clock } from '../monitor/types.js';

type Listener = (transition: Transition, encoded: string) => void;

/** The hard cap of the retained tail, as a multiple of `retainEvents` (as in one node). */
const HARD_CAP_FACTOR = 10;

/**
 * The event log of cluster mode: the tail of the deployment's event stream as this node
 * consumed it, in `seq` order, with the same retention as the single-node log. `since`
 * is answered from this tail, synchronously; a node that starts loads the tail from the
 * stream first, so a dashboard that moves to it can still recover with `since`.
 */
export class StreamEventLog implements EventLog {
  private ring: EventRing<Transition>;
  private last = 0;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly options: { limits: Limits; clock: Clock; log: Logger }) {
    this.ring = this.makeRing();
  }

  private makeRing(): EventRing<Transition> {
    const { retainEvents, retainMs } = this.options.limits;
    return new EventRing({
      minEvents: retainEvents,
      minMs: retainMs,
      maxEvents: retainEvents * HARD_CAP_FACTOR,
    });
  }

  get seq(): number {
    return this.last;
  }

  /**
   * Appends the next event of the stream. An event after a gap (the stream was trimmed past
   * what this node had read) starts a new tail: `since` before the gap is then refused.
   */
  push(t: Transition, encoded: string, storedAt = this.options.clock.now()): void {
    if (t.seq <= this.last) return;
    if (this.last > 0 && t.seq !== this.last + 1) {
      this.options.log.warn({ from: this.last, to: t.seq }, 'event stream gap: tail restarted');
      this.ring = this.makeRing();
    }
    this.last = t.seq;
    this.ring.push({ seq: t.seq, value: t, storedAt });
    for (const listener of this.listeners) {
      try {
        listener(t, encoded);
      } catch (error) {
        this.options.log.error({ err: error }, 'event log subscriber failed');
      }
    }
  }

  since(after: number): Transition[] | undefined {
    if (!Number.isSafeInteger(after) || after < 0 || after > this.last) return undefined;
    if (after === this.last) return [];
    return this.ring.after(after)?.map((e) => e.value);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
