/**
 * A fixed-capacity ring: pushing past the capacity drops the oldest item. The feed keeps
 * the latest transitions in one, so its memory is bounded whatever the event rate.
 *
 * @example
 * ```ts
 * const ring = new FeedRing<number>(3);
 * [1, 2, 3, 4].forEach((n) => ring.push(n));
 * ring.newestFirst(); // [4, 3, 2]
 * ```
 */
export class FeedRing<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;
  #pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.#items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
    this.#pushed += 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Items ever pushed: lets a view tell how many arrived since it last looked. */
  get pushed(): number {
    return this.#pushed;
  }

  /** At most `limit` of the newest items, newest first. */
  newestFirst(limit = this.#size): T[] {
    const n = Math.min(Math.max(0, limit), this.#size);
    const out: T[] = [];
    for (let i = 1; i <= n; i++) {
      const item = this.#items[(this.#next - i + this.capacity) % this.capacity];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** The items pushed after the `pushed` count `since`, newest first (bounded by the ring). */
  newerThan(since: number): T[] {
    return this.newestFirst(this.#pushed - since);
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
