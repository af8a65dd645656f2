import { describe, expect, it } from 'vitest';
import { SessionRows } from '../../web/dashboard/session-rows.js';
import { TableModelCache } from '../../web/dashboard/table-model.js';
import { status, transition } from '../support/sessions.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('SessionRows', () => {
  it('ticks "since the last beat" on the gateway clock, whatever the browser clock says', () => {
    const rows = new SessionRows();
    const skewedLocal = T0 + 3_600_000; // the browser is an hour ahead
    rows.replaceAll([status({ session: 'a', msSinceBeat: 2_000 })], skewedLocal);
    const a = rows.get('a');
    expect(a).toBeDefined();
    if (!a) return;
    expect(rows.msSinceBeat(a, skewedLocal)).toBe(2_000);
    expect(rows.msSinceBeat(a, skewedLocal + 1_500)).toBe(3_500);
  });

  it('applies transitions, keeping the newer beat and the last status text', () => {
    const rows = new SessionRows();
    rows.replaceAll(
      [status({ session: 'a', lastBeat: '2026-01-01T00:00:09.000Z', status: 'step 2' })],
      T0,
    );
    const v = rows.version;
    rows.apply(
      transition({ session: 'a', kind: 'warning', state: 'warning', missedBeats: 1 }),
      status({ session: 'a', state: 'warning', missedBeats: 1 }),
      T0,
    );
    expect(rows.version).toBeGreaterThan(v);
    expect(rows.get('a')).toMatchObject({
      state: 'warning',
      missedBeats: 1,
      lastBeat: '2026-01-01T00:00:09.000Z',
      status: 'step 2',
    });
  });

  it('keeps a session that timed out or left for a while, without controls', () => {
    const rows = new SessionRows({ keepDepartedMs: 1_000, maxDeparted: 2 });
    rows.replaceAll([status({ session: 'a', status: 'step 9' }), status({ session: 'c' })], T0);
    rows.apply(transition({ session: 'b' }), status({ session: 'b' }), T0);
    rows.apply(
      transition({ session: 'a', kind: 'timeout', state: 'timed_out', missedBeats: 3 }),
      undefined,
      T0 + 10,
    );
    expect(rows.get('a')).toMatchObject({
      state: 'timed_out',
      missedBeats: 3,
      connected: false,
      status: 'step 9',
    });
    expect(rows.departed('a')).toBe(true);
    expect(rows.size).toBe(2);
    // A full list does not bring it back, nor drop it before its time.
    rows.replaceAll([status({ session: 'b' }), status({ session: 'c' })], T0 + 500);
    expect(rows.get('a')?.state).toBe('timed_out');
    rows.prune(T0 + 900);
    expect(rows.get('a')).toBeDefined();
    rows.prune(T0 + 1_010);
    expect(rows.get('a')).toBeUndefined();
    expect([...rows.values()].map((s) => s.session).sort()).toEqual(['b', 'c']);
  });

  it('drops an HTTP read that started before a transition of its session', () => {
    const rows = new SessionRows();
    rows.replaceAll([status({ session: 'a' }), status({ session: 'b' })], T0);
    const mark = rows.mark;
    rows.apply(
      transition({ session: 'a', kind: 'paused', state: 'paused', by: 'api' }),
      status({ session: 'a', state: 'paused', paused: true, pausedBy: 'api' }),
      T0,
    );
    rows.refresh(status({ session: 'a', status: 'stale read' }), T0, mark);
    rows.refresh(status({ session: 'b', status: 'fresh read' }), T0, mark);
    rows.refresh(status({ session: 'zz' }), T0, mark);
    expect(rows.get('a')?.state).toBe('paused');
    expect(rows.get('b')?.status).toBe('fresh read');
    expect(rows.get('zz')).toBeUndefined();
    rows.refresh(
      status({ session: 'a', state: 'paused', paused: true, status: 'new' }),
      T0,
      rows.mark,
    );
    expect(rows.get('a')?.status).toBe('new');
  });

  it('bounds the departed rows, and a session that comes back is live again', () => {
    const rows = new SessionRows({ maxDeparted: 2 });
    rows.replaceAll(
      ['a', 'b', 'c'].map((session) => status({ session })),
      T0,
    );
    for (const session of ['a', 'b', 'c']) {
      rows.apply(transition({ session, kind: 'unregistered', state: 'gone' }), undefined, T0);
    }
    expect(rows.get('a')).toBeUndefined();
    expect(rows.get('c')?.state).toBe('gone');
    rows.apply(transition({ session: 'c' }), status({ session: 'c' }), T0);
    expect(rows.departed('c')).toBe(false);
    expect(rows.get('c')?.state).toBe('healthy');
    const v = rows.version;
    rows.apply(transition({ session: 'zz', kind: 'unregistered', state: 'gone' }), undefined, T0);
    expect(rows.version).toBe(v);
  });
});

describe('TableModelCache', () => {
  it('recomputes only when rows, filter or order change', () => {
    const rows = new SessionRows();
    rows.replaceAll(
      [status({ session: 'b', agentType: 'planner' }), status({ session: 'a', state: 'warning' })],
      T0,
    );
    const cache = new TableModelCache(rows);
    const first = cache.current();
    expect(first.rows.map((s) => s.session)).toEqual(['a', 'b']);
    expect(first.counts.warning).toBe(1);
    expect(first.agentTypes).toEqual(['planner', 'worker']);
    expect(cache.current()).toBe(first);
    cache.setFilter({ agentType: 'planner', state: '', text: '' });
    const filtered = cache.current();
    expect(filtered.rows.map((s) => s.session)).toEqual(['b']);
    expect(filtered.total).toBe(2);
    cache.setOrder({ column: 'session', descending: true });
    cache.setFilter({ agentType: '', state: '', text: '' });
    expect(cache.current().rows.map((s) => s.session)).toEqual(['b', 'a']);
  });

  it('re-sorts on data changes at most every rebuildEveryMs, on user changes at once', () => {
    const rows = new SessionRows();
    rows.replaceAll([status({ session: 'a' })], T0);
    const cache = new TableModelCache(rows, { rebuildEveryMs: 250 });
    const first = cache.current(1_000);
    rows.apply(transition({ session: 'b' }), status({ session: 'b' }), T0);
    expect(cache.stale).toBe(true);
    expect(cache.current(1_100)).toBe(first);
    expect(cache.current(1_250).rows.map((s) => s.session)).toEqual(['a', 'b']);
    rows.apply(transition({ session: 'c' }), status({ session: 'c' }), T0);
    cache.setOrder({ column: 'session', descending: true });
    expect(cache.current(1_260).rows.map((s) => s.session)).toEqual(['c', 'b', 'a']);
    expect(cache.stale).toBe(false);
  });

  it('derives 10,000 rows in one pass (counts, types, order)', () => {
    const rows = new SessionRows();
    rows.replaceAll(
      Array.from({ length: 10_000 }, (_, i) =>
        status({ session: `s-${(i * 7919) % 10_000}`, agentType: `t${i % 3}` }),
      ),
      T0,
    );
    const cache = new TableModelCache(rows);
    cache.setOrder({ column: 'since', descending: true });
    const model = cache.current();
    expect(model.rows).toHaveLength(10_000);
    expect(model.counts.healthy).toBe(10_000);
    expect(model.agentTypes).toEqual(['t0', 't1', 't2']);
    expect(model.rows[0]?.session).toBe('s-0');
  });
});
