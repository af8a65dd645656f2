/** log2 of the arity: eight children, so a million deadlines are under seven levels deep. */
const SHIFT = 3;
const ARITY = 1 << SHIFT;
const INITIAL_CAPACITY = 1024;
const ABSENT = -1;

/**
 * An indexed 8-ary min-heap of deadlines, keyed by slot: a small integer that the caller
 * gives each session (and reuses after it). Everything the heap touches lives in three
 * typed arrays: the keys and the slots in heap order, and each slot's position.
 *
 * Why slots and not the sessions themselves: a sift moves up to seven nodes at a million
 * sessions, and each move must record the node's new position. Kept on the session
 * object, that is a write to a session allocated anywhere in a heap of hundreds of MB
 * (a cache and TLB miss each); kept in `positions`, it is a write into 4 MB that stay
 * warm. A beat or a due session then costs a miss or two for its own session, not one
 * more per level of the heap. Ties come out in no particular order.
 */
export class SlotHeap {
  private keys = new Float64Array(INITIAL_CAPACITY);
  private slots = new Int32Array(INITIAL_CAPACITY);
  /** The heap position of each slot, `ABSENT` when it has no deadline. */
  private positions = new Int32Array(INITIAL_CAPACITY).fill(ABSENT);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The earliest deadline, or `undefined` when empty. */
  peekKey(): number | undefined {
    return this.count === 0 ? undefined : this.keys[0];
  }

  /** The slot with the earliest deadline, or -1 when empty. */
  peekSlot(): number {
    return this.count === 0 ? ABSENT : (this.slots[0] as number);
  }

  /**
   * Writes into `out` the slots of up to `out.length` deadlines at or before `until` and
   * returns how many: a breadth-first walk from the root that enters only nodes due by then
   * (in a heap, those form one subtree under the root), so it costs O(out.length) and
   * starts with the earliest, though not in deadline order.
   */
  topSlots(until: number, out: Int32Array): number {
    const { keys, slots } = this;
    const n = this.count;
    if (n === 0 || out.length === 0 || (keys[0] as number) > until) return 0;
    // `out` holds heap indices while walking, then they become slots.
    out[0] = 0;
    let taken = 1;
    for (let q = 0; q < taken && taken < out.length; q++) {
      const first = ((out[q] as number) << SHIFT) + 1;
      const end = Math.min(first + ARITY, n);
      for (let c = first; c < end && taken < out.length; c++) {
        if ((keys[c] as number) <= until) out[taken++] = c;
      }
    }
    for (let i = 0; i < taken; i++) out[i] = slots[out[i] as number] as number;
    return taken;
  }

  keyOf(slot: number): number | undefined {
    const i = slot < this.positions.length ? (this.positions[slot] as number) : ABSENT;
    return i === ABSENT ? undefined : this.keys[i];
  }

  /** Gives `slot` (a non-negative integer) the deadline `key`, inserting or moving it. */
  set(slot: number, key: number): void {
    if (slot >= this.positions.length) this.growPositions(slot + 1);
    // A wake-up moves the earliest deadline: its position is known without a lookup, which
    // at a million sessions is a cache miss of its own.
    const i = this.count > 0 && this.slots[0] === slot ? 0 : (this.positions[slot] as number);
    if (i === ABSENT) {
      const n = this.count;
      if (n === this.keys.length) this.resize(n * 2);
      this.count = n + 1;
      this.siftUp(slot, key, n);
      return;
    }
    const old = this.keys[i] as number;
    if (key < old) this.siftUp(slot, key, i);
    else if (key > old) this.siftDown(slot, key, i);
  }

  /** Removes `slot`'s deadline; nothing when it has none. */
  delete(slot: number): void {
    if (slot >= this.positions.length) return;
    const i = this.positions[slot] as number;
    if (i === ABSENT) return;
    this.positions[slot] = ABSENT;
    const n = this.count - 1;
    this.count = n;
    if (i < n) {
      // The last node fills the hole, then goes whichever way its deadline says.
      const last = this.slots[n] as number;
      const key = this.keys[n] as number;
      if (i > 0 && key < (this.keys[(i - 1) >> SHIFT] as number)) this.siftUp(last, key, i);
      else this.siftDown(last, key, i);
    }
    if (this.keys.length > INITIAL_CAPACITY && n < this.keys.length >> 2) {
      this.resize(this.keys.length >> 1);
    }
  }

  private siftUp(slot: number, key: number, i: number): void {
    const { keys, slots, positions } = this;
    while (i > 0) {
      const parent = (i - 1) >> SHIFT;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      const ps = slots[parent] as number;
      keys[i] = pk;
      slots[i] = ps;
      positions[ps] = i;
      i = parent;
    }
    keys[i] = key;
    slots[i] = slot;
    positions[slot] = i;
  }

  private siftDown(slot: number, key: number, i: number): void {
    const { keys, slots, positions } = this;
    const n = this.count;
    for (;;) {
      const first = (i << SHIFT) + 1;
      if (first >= n) break;
      let best = first;
      let bestKey = keys[first] as number;
      const end = Math.min(first + ARITY, n);
      for (let c = first + 1; c < end; c++) {
        const ck = keys[c] as number;
        if (ck < bestKey) {
          best = c;
          bestKey = ck;
        }
      }
      if (bestKey >= key) break;
      const bs = slots[best] as number;
      keys[i] = bestKey;
      slots[i] = bs;
      positions[bs] = i;
      i = best;
    }
    keys[i] = key;
    slots[i] = slot;
    positions[slot] = i;
  }

  /** Doubles when full, halves when a quarter full: a million sessions gone frees their keys. */
  private resize(capacity: number): void {
    const keep = Math.min(capacity, this.count);
    const keys = new Float64Array(capacity);
    keys.set(this.keys.subarray(0, keep));
    const slots = new Int32Array(capacity);
    slots.set(this.slots.subarray(0, keep));
    this.keys = keys;
    this.slots = slots;
  }

  /** Positions grow with the highest slot in use; slots are reused, so this is their peak. */
  private growPositions(atLeast: number): void {
    let capacity = this.positions.length * 2;
    while (capacity < atLeast) capacity *= 2;
    const positions = new Int32Array(capacity).fill(ABSENT);
    positions.set(this.positions);
    this.positions = positions;
  }
}
