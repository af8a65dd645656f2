import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/context.js';
import { createEventLog } from '../../server/dashboards/event-log.js';
import { EventRing } from '../../server/dashboards/event-ring.js';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import { HeartbeatMonitor } from '../../server/monitor/index.js';

describe('EventRing', () => {
  const push = (ring: EventRing<number>, from: number, to: number, at: number) => {
    for (let seq = from; seq <= to; seq++) ring.push({ seq, value: seq, storedAt: at });
  };

  it('keeps the last minEvents however old', () => {
    const ring = new EventRing<number>({ minEvents: 3, minMs: 10, maxEvents: 30 });
    push(ring, 1, 10, 0);
    push(ring, 11, 11, 1_000);
    expect(ring.size).toBe(3);
    expect(ring.after(8)?.map((e) => e.seq)).toEqual([9, 10, 11]);
    expect(ring.after(7)).toBeUndefined();
  });

  it('keeps everything younger than minMs, up to maxEvents', () => {
    const ring = new EventRing<number>({ minEvents: 3, minMs: 10, maxEvents: 30 });
    push(ring, 1, 20, 0);
    expect(ring.size).toBe(20);
    push(ring, 21, 50, 5);
    expect(ring.size).toBe(30);
    expect(ring.firstSeq).toBe(21);
  });

  it('answers after() with the exact tail, [] at the end, undefined past the start', () => {
    const ring = new EventRing<number>({ minEvents: 5, minMs: 0, maxEvents: 50 });
    expect(ring.after(0)).toBeUndefined();
    push(ring, 1, 5, 0);
    expect(ring.after(0)?.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(ring.after(3)?.map((e) => e.seq)).toEqual([4, 5]);
    expect(ring.after(5)).toEqual([]);
  });

  it('drops past maxEvents even when every event is young', () => {
    const ring = new EventRing<number>({ minEvents: 100, minMs: 60_000, maxEvents: 1_000 });
    push(ring, 1, 100_000, 0);
    expect(ring.size).toBe(1_000);
    expect(ring.after(99_000)?.length).toBe(1_000);
    expect(ring.after(98_999)).toBeUndefined();
  });

  it('stays bounded and correct across compactions', () => {
    const ring = new EventRing<number>({ minEvents: 100, minMs: 0, maxEvents: 1_000 });
    for (let seq = 1; seq <= 100_000; seq++) ring.push({ seq, value: seq, storedAt: seq });
    expect(ring.size).toBe(100);
    expect(ring.after(99_950)?.map((e) => e.seq)).toHaveLength(50);
  });
});

describe('event log', () => {
  it('stamps seq in order and at as ISO from the nominal time, encoded once', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const scheduler = new FakeScheduler(clock);
    const monitor = new HeartbeatMonitor({
      clock,
      scheduler,
      policy: { timeoutMs: 1000, checkIntervalMs: 500, maxMissedBeats: 2 },
    });
    monitor.start();
    const log = createEventLog({ monitor, limits: DEFAULT_LIMITS, clock });
    const got: [number, string, string][] = [];
    log.subscribe((t, encoded) => got.push([t.seq, t.at, encoded]));
    monitor.register('e1', 'w', { tenant: 't' });
    scheduler.advance(1_000);
    expect(got.map(([seq]) => seq)).toEqual([1, 2]);
    expect(got[1]?.[1]).toBe('2026-01-01T00:00:01.000Z');
    expect(JSON.parse(got[1]?.[2] ?? '')).toEqual({
      seq: 2,
      at: '2026-01-01T00:00:01.000Z',
      kind: 'warning',
      session: 'e1',
      agentType: 'w',
      tenant: 't',
      state: 'warning',
      missedBeats: 1,
      maxMissedBeats: 2,
    });
    expect(log.seq).toBe(2);
    expect(log.since(0)?.map((t) => t.kind)).toEqual(['registered', 'warning']);
    expect(log.since(2)).toEqual([]);
    expect(log.since(3)).toBeUndefined();
    expect(log.since(-1)).toBeUndefined();
    log.close();
    monitor.register('e2', 'w');
    expect(log.seq).toBe(2);
  });
});
