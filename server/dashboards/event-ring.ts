/** One retained event: the stamped transition, its encoding, and when it was stored. */
export interface RetainedEvent<T> {
  readonly seq: number;
  readonly value: T;
  readonly storedAt: number;
}

/**
 * The bounded tail of the event stream, in `seq` order with no gaps. An event is kept
 * while it is among the last `minEvents` OR younger than `minMs` (the contract's "at
 * least 10,000 events or 5 minutes"), but never past `maxEvents`, so that a burst cannot
 * grow memory without bound.
 *
 * @example
 * ```ts
 * const ring = new EventRing<string>({ minEvents: 10_000, minMs: 300_000, maxEvents: 100_000 });
 * ring.push({ seq: 1, value: 'x', storedAt: now });
 * ring.after(0); // [{ seq: 1, ... }]
 * ```
 */
export class EventRing<T> {
  private items: RetainedEvent<T>[] = [];
  /** Index of the oldest retained item: shifting an array is O(n), moving a head is O(1). */
  private head = 0;

  constructor(private readonly bounds: { minEvents: number; minMs: number; maxEvents: number }) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** The oldest retained event's `seq`, or `undefined` when empty. */
  get firstSeq(): number | undefined {
    return this.items[this.head]?.seq;
  }

  push(event: RetainedEvent<T>): void {
    this.items.push(event);
    this.trim(event.storedAt);
  }

  /** Retained events with `seq > after`, in order; `undefined` if one of them was dropped. */
  after(after: number): RetainedEvent<T>[] | undefined {
    const first = this.firstSeq;
    if (first === undefined || after < first - 1) return undefined;
    return this.items.slice(this.head + (after + 1 - first));
  }

  private trim(now: number): void {
    const { minEvents, minMs, maxEvents } = this.bounds;
    while (this.size > minEvents) {
      const oldest = this.items[this.head];
      if (oldest === undefined) break;
      if (this.size <= maxEvents && now - oldest.storedAt <= minMs) break;
      this.head += 1;
    }
    // Compact once the dead prefix is at least half the array: amortised O(1) per push.
    if (this.head > 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
