import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS, resolveTimings } from '../../server/cluster/timings.js';

describe('cluster timings', () => {
  it('fills in the defaults', () => {
    expect(resolveTimings()).toEqual(DEFAULT_TIMINGS);
    expect(resolveTimings({ flushMs: 20 })).toEqual({ ...DEFAULT_TIMINGS, flushMs: 20 });
  });

  it('refuses unknown keys and values that are not positive integers', () => {
    expect(() => resolveTimings({ nope: 1 } as never)).toThrow(/unknown cluster timing nope/);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveTimings({ reapMs: bad })).toThrow(/reapMs must be a positive integer/);
    }
  });

  it('refuses marks too rare for a reap to tell a stall from a live node', () => {
    expect(() => resolveTimings({ aliveMs: 1_000, ttlMs: 2_000 })).toThrow(/aliveMs/);
    expect(resolveTimings({ aliveMs: 999, ttlMs: 2_000 }).aliveMs).toBe(999);
  });
});
