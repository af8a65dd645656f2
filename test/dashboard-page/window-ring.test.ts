import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedRing } from '../../web/dashboard/feed-ring.js';
import { visibleWindow } from '../../web/dashboard/virtual-window.js';

describe('visibleWindow', () => {
  it('renders the visible rows plus the overscan', () => {
    expect(
      visibleWindow({
        scrollTop: 320,
        viewportHeight: 640,
        rowHeight: 32,
        rowCount: 10_000,
        overscan: 5,
      }),
    ).toEqual({ start: 5, end: 36, padTop: 160, padBottom: (10_000 - 36) * 32 });
  });

  it('is empty for no rows and clamps a scroll past the end', () => {
    expect(
      visibleWindow({ scrollTop: 0, viewportHeight: 500, rowHeight: 32, rowCount: 0, overscan: 5 }),
    ).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    const w = visibleWindow({
      scrollTop: 1e9,
      viewportHeight: 320,
      rowHeight: 32,
      rowCount: 100,
      overscan: 2,
    });
    expect(w.end).toBe(100);
    expect(w.start).toBe(88);
  });

  it('always covers the viewport and keeps the total height (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(20_000),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 80 }),
        fc.nat(20_000),
        fc.nat(10),
        (rowCount, viewportHeight, rowHeight, scroll, overscan) => {
          const w = visibleWindow({
            scrollTop: scroll,
            viewportHeight,
            rowHeight,
            rowCount,
            overscan,
          });
          expect(w.padTop + (w.end - w.start) * rowHeight + w.padBottom).toBe(rowCount * rowHeight);
          expect(w.end - w.start).toBeLessThanOrEqual(
            Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan,
          );
          const maxScroll = Math.max(0, rowCount * rowHeight - viewportHeight);
          const top = Math.min(scroll, maxScroll);
          const firstVisible = Math.floor(top / rowHeight);
          const lastVisible = Math.min(rowCount, Math.ceil((top + viewportHeight) / rowHeight));
          if (rowCount > 0) {
            expect(w.start).toBeLessThanOrEqual(firstVisible);
            expect(w.end).toBeGreaterThanOrEqual(lastVisible);
          }
        },
      ),
    );
  });
});

describe('FeedRing', () => {
  it('keeps the newest items, newest first', () => {
    const ring = new FeedRing<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.size).toBe(3);
    expect(ring.pushed).toBe(5);
    expect(ring.newestFirst()).toEqual([5, 4, 3]);
    expect(ring.newestFirst(2)).toEqual([5, 4]);
  });

  it('tells what arrived since a count, bounded by its capacity', () => {
    const ring = new FeedRing<number>(3);
    ring.push(1);
    const seen = ring.pushed;
    [2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.newerThan(seen)).toEqual([5, 4, 3]);
    expect(ring.newerThan(ring.pushed)).toEqual([]);
  });

  it('refuses a useless capacity and clears', () => {
    expect(() => new FeedRing(0)).toThrow(RangeError);
    const ring = new FeedRing<string>(2);
    ring.push('a');
    ring.clear();
    expect(ring.newestFirst()).toEqual([]);
  });
});
