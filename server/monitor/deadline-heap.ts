/** A node that knows where it sits in a `DeadlineHeap` (-1: not in it). */
export interface HeapNode {
  heapIndex: number;
}

/** log2 of the arity: eight children, so a million deadlines are under seven levels deep. */
const SHIFT = 3;
const ARITY = 1 << SHIFT;
const INITIAL_CAPACITY = 1024;

/**
 * An indexed 8-ary min-heap of deadlines. Each node carries its own position, so moving a
 * deadline (a beat) is an in-place sift, O(log n), with no allocation; the keys sit in one
 * Float64Array next to each other, so a sift compares eight children in one or two cache
 * lines instead of chasing eight pointers, and a beat's sift to the bottom crosses fewer
 * levels (each a likely cache miss at a million sessions) than with four. Ties come out in no particular order.
 */
export class DeadlineHeap<T extends HeapNode> {
  private keys = new Float64Array(INITIAL_CAPACITY);
  private readonly nodes: T[] = [];

  get size(): number {
    return this.nodes.length;
  }

  /** The earliest deadline, or `undefined` when empty. */
  peekKey(): number | undefined {
    return this.nodes.length === 0 ? undefined : this.keys[0];
  }

  /** The node with the earliest deadline. */
  peek(): T | undefined {
    return this.nodes[0];
  }

  keyOf(node: T): number | undefined {
    return node.heapIndex < 0 ? undefined : this.keys[node.heapIndex];
  }

  /** Inserts `node` with deadline `key`, or moves it there when it is already in. */
  set(node: T, key: number): void {
    const i = node.heapIndex;
    if (i < 0) {
      const n = this.nodes.length;
      if (n === this.keys.length) this.resize(n * 2);
      this.nodes.push(node);
      this.siftUp(node, key, n);
      return;
    }
    const old = this.keys[i] as number;
    if (key < old) this.siftUp(node, key, i);
    else if (key > old) this.siftDown(node, key, i);
  }

  /** Removes `node`; nothing when it is not in the heap. */
  delete(node: T): void {
    const i = node.heapIndex;
    if (i < 0) return;
    node.heapIndex = -1;
    const last = this.nodes.pop() as T;
    const n = this.nodes.length;
    if (this.keys.length > INITIAL_CAPACITY && n < this.keys.length >> 2)
      this.resize(this.keys.length >> 1);
    if (i === n) return;
    const key = this.keys[n] as number;
    // The last node fills the hole, then goes whichever way its deadline says.
    if (i > 0 && key < (this.keys[(i - 1) >> SHIFT] as number)) this.siftUp(last, key, i);
    else this.siftDown(last, key, i);
  }

  private siftUp(node: T, key: number, i: number): void {
    const keys = this.keys;
    const nodes = this.nodes;
    while (i > 0) {
      const parent = (i - 1) >> SHIFT;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      const pn = nodes[parent] as T;
      keys[i] = pk;
      nodes[i] = pn;
      pn.heapIndex = i;
      i = parent;
    }
    keys[i] = key;
    nodes[i] = node;
    node.heapIndex = i;
  }

  private siftDown(node: T, key: number, i: number): void {
    const keys = this.keys;
    const nodes = this.nodes;
    const n = nodes.length;
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
      const bn = nodes[best] as T;
      keys[i] = bestKey;
      nodes[i] = bn;
      bn.heapIndex = i;
      i = best;
    }
    keys[i] = key;
    nodes[i] = node;
    node.heapIndex = i;
  }

  /** Doubles when full, halves when a quarter full: a million sessions gone frees their keys. */
  private resize(capacity: number): void {
    const keys = new Float64Array(capacity);
    keys.set(this.keys.subarray(0, Math.min(capacity, this.nodes.length + 1)));
    this.keys = keys;
  }
}
