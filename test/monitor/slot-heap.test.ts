import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SlotHeap } from '../../server/monitor/slot-heap.js';

describe('SlotHeap', () => {
  test('agrees with a map of deadlines under random inserts, moves, deletes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'delete', 'pop'),
            // Slots past the initial position table (1,024) make it grow.
            fc.oneof(fc.nat(40), fc.integer({ min: 1_000, max: 3_000 })),
            fc.integer({ min: 0, max: 100 }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const heap = new SlotHeap();
          const model = new Map<number, number>();
          for (const [op, slot, key] of ops) {
            if (op === 'set') {
              heap.set(slot, key);
              model.set(slot, key);
            } else if (op === 'delete') {
              heap.delete(slot);
              model.delete(slot);
            } else {
              const min = Math.min(...model.values());
              expect(heap.peekKey()).toBe(model.size === 0 ? undefined : min);
              const top = heap.peekSlot();
              if (model.size === 0) expect(top).toBe(-1);
              else {
                expect(model.get(top)).toBe(min);
                heap.delete(top);
                model.delete(top);
              }
            }
            expect(heap.size).toBe(model.size);
            for (const s of [...model.keys(), 0, 7, 40, 1_500, 5_000]) {
              expect(heap.keyOf(s)).toBe(model.get(s));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('topSlots gives the slots due by a time from the top, as many as fit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(2_000), { maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 400, maxLength: 400 }),
        fc.integer({ min: -1, max: 1_001 }),
        fc.integer({ min: 0, max: 80 }),
        (slots, keys, until, room) => {
          const heap = new SlotHeap();
          const model = new Map<number, number>();
          for (const [i, slot] of slots.entries()) {
            heap.set(slot, keys[i] as number);
            model.set(slot, keys[i] as number);
          }
          const out = new Int32Array(room);
          const count = heap.topSlots(until, out);
          const due = [...model].filter(([, key]) => key <= until).map(([slot]) => slot);
          expect(count).toBe(Math.min(room, due.length));
          const taken = [...out.subarray(0, count)];
          expect(new Set(taken).size).toBe(count);
          for (const slot of taken) expect(model.get(slot)).toBeLessThanOrEqual(until);
          if (count > 0) expect(taken[0]).toBe(heap.peekSlot());
        },
      ),
      { numRuns: 300 },
    );
  });

  test('grows past and shrinks back below its initial capacity, in order', () => {
    const heap = new SlotHeap();
    for (let slot = 0; slot < 5_000; slot++) heap.set(slot, (slot * 7919) % 5_000);
    const out: number[] = [];
    while (heap.size > 0) {
      const top = heap.peekSlot();
      out.push(heap.keyOf(top) as number);
      heap.delete(top);
    }
    expect(out).toEqual([...out].sort((a, b) => a - b));
    expect(out).toHaveLength(5_000);
    expect(heap.peekKey()).toBeUndefined();
    // Emptied, it still takes new deadlines for old slots.
    heap.set(4_999, 3);
    heap.set(2, 1);
    expect(heap.peekSlot()).toBe(2);
  });
});
