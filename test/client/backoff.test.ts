import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../client/agent/backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling from 0.5 s and caps it at 30 s', () => {
    const top = () => 0.999999;
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20, 1000].map((n) => backoffDelay(n, top));
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999]);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.5)).toBe(250);
    expect(backoffDelay(3, () => 0.25)).toBe(1000);
    expect(backoffDelay(10, () => 0.5)).toBe(15_000);
  });

  it('stays within [0, min(max, min * 2^n)) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, () => r);
          const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.minMs * 2 ** n);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it('clamps a misbehaving random source instead of returning NaN or negative delays', () => {
    expect(backoffDelay(2, () => Number.NaN)).toBe(0);
    expect(backoffDelay(2, () => -3)).toBe(0);
    expect(backoffDelay(2, () => 7)).toBe(2000);
    expect(backoffDelay(-5, () => 0.5)).toBe(250);
  });

  it('takes other bounds', () => {
    expect(backoffDelay(4, () => 0.999999, { minMs: 10, maxMs: 100 })).toBe(99);
    expect(backoffDelay(2, () => 0.5, { minMs: 10, maxMs: 100 })).toBe(20);
  });

  it('spreads agents dropped together', () => {
    // A deterministic generator stands in for Math.random: 1,000 agents, first retry.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1000 }, () => backoffDelay(0, random));
    const buckets = [0, 0, 0, 0, 0];
    for (const d of delays) buckets[Math.floor(d / 100)]! += 1;
    for (const b of buckets) expect(b).toBeGreaterThan(150);
  });
});
