import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DeadlineHeap, type HeapNode } from '../../server/monitor/deadline-heap.js';

interface Node extends HeapNode {
  id: number;
}

describe('DeadlineHeap', () => {
  test('agrees with a sorted list under random inserts, moves, deletes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'delete', 'pop'),
            fc.nat(40),
            fc.integer({ min: 0, max: 100 }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const heap = new DeadlineHeap<Node>();
          const nodes = Array.from({ length: 41 }, (_, id) => ({ id, heapIndex: -1 }));
          const model = new Map<number, number>();
          for (const [op, id, key] of ops) {
            const node = nodes[id] as Node;
            if (op === 'set') {
              heap.set(node, key);
              model.set(id, key);
            } else if (op === 'delete') {
              heap.delete(node);
              model.delete(id);
            } else {
              const min = Math.min(...model.values());
              expect(heap.peekKey()).toBe(model.size === 0 ? undefined : min);
              const top = heap.peek();
              if (top !== undefined) {
                expect(model.get(top.id)).toBe(min);
                heap.delete(top);
                model.delete(top.id);
              }
            }
            expect(heap.size).toBe(model.size);
            for (const n of nodes) expect(heap.keyOf(n)).toBe(model.get(n.id));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('grows past and shrinks back below its initial capacity', () => {
    const heap = new DeadlineHeap<Node>();
    const nodes = Array.from({ length: 5_000 }, (_, id) => ({ id, heapIndex: -1 }));
    for (const n of nodes) heap.set(n, (n.id * 7919) % 5_000);
    const out: number[] = [];
    while (heap.size > 0) {
      const top = heap.peek() as Node;
      out.push(heap.keyOf(top) as number);
      heap.delete(top);
    }
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(out).toHaveLength(5_000);
  });
});
