import { describe, expect, test } from 'vitest';
import { DEFAULT_POLICY } from '../../server/monitor/policy.js';
import { copyRecord, makeRecord } from '../../server/monitor/record.js';
import { MemoryStore } from '../../server/monitor/store.js';

const record = (id: string, registeredAt: number, missedBeats = 0) =>
  makeRecord(
    id,
    'default',
    'agent',
    DEFAULT_POLICY,
    registeredAt,
    missedBeats,
    true,
    undefined,
    undefined,
  );

// The store keeps times split in two small integers (2^20 ms units and the rest): these
// times sit on and around the unit's edges, at today's epoch, at the top of the exact
// range, and between milliseconds.
const TIMES = [
  0,
  1,
  2 ** 20 - 1,
  2 ** 20,
  2 ** 20 + 1,
  3 * 2 ** 20,
  Date.UTC(2026, 10, 29, 12, 0, 0, 7),
  2 ** 51 - 1,
  1234.5,
];

describe('MemoryStore', () => {
  test('gives back every time it was given, exactly', () => {
    const store = new MemoryStore();
    for (const [i, t] of TIMES.entries()) store.set(undefined, record(`s${i}`, t), t, t + 1);
    for (const [i, t] of TIMES.entries()) {
      const held = store.get('default', `s${i}`);
      expect(held?.lastBeat).toBe(t);
      expect(held?.record.registeredAt).toBe(t);
    }
    // Rewritten in place: a later beat and a later registration of the same id.
    for (const [i, t] of TIMES.entries()) {
      const held = store.get('default', `s${i}`);
      store.set(held, record(`s${i}`, t + 2 ** 20 + 3), t + 2 ** 20 + 3, undefined);
      expect(store.get('default', `s${i}`)?.lastBeat).toBe(t + 2 ** 20 + 3);
      expect(store.get('default', `s${i}`)?.record.registeredAt).toBe(t + 2 ** 20 + 3);
    }
  });

  test("a record read from the store follows the session's writes; a copy does not", () => {
    const store = new MemoryStore();
    store.set(undefined, record('a', 10), 10, 100);
    const held = store.get('default', 'a');
    const kept = copyRecord(held!.record);
    store.set(held, record('a', 10, 2), 10, 200);
    expect(held?.record.missedBeats).toBe(2);
    expect(kept.missedBeats).toBe(0);
    expect(kept).toEqual(record('a', 10));
    expect(store.earliestDeadline()).toBe(200);
    expect(store.earliest()).toBe(held);
  });
});
