import { describe, expect, test } from 'vitest';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { READ_AHEAD_MS, ReadAhead } from '../../server/monitor/read-ahead.js';
import { MemoryStore } from '../../server/monitor/store.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

const POLICY = { timeoutMs: 1_000, checkIntervalMs: 1_000, maxMissedBeats: 3 };

/** A real in-memory store that records every read-ahead: when, how far, how many. */
class RecordingStore extends MemoryStore {
  readonly calls: { at: number; until: number; count: number }[] = [];
  constructor(private readonly clock: FakeClock) {
    super();
  }
  override readAhead(until: number): number {
    const count = super.readAhead(until);
    this.calls.push({ at: this.clock.now(), until, count });
    return count;
  }
}

function rig(store?: (clock: FakeClock) => MemoryStore) {
  const clock = new FakeClock(0);
  const scheduler = new FakeScheduler(clock);
  const made = store?.(clock) ?? new RecordingStore(clock);
  const monitor = new HeartbeatMonitor({ clock, scheduler, store: made, policy: POLICY });
  const seen: MonitorTransition[] = [];
  monitor.subscribe((t) => seen.push(t));
  monitor.start();
  return { clock, scheduler, monitor, store: made, seen };
}

describe('read-ahead of due sessions', () => {
  test('reads ahead the next window once it has passed, not on every wake-up', () => {
    const { scheduler, monitor, store } = rig();
    // One session falling due every millisecond from 1,000 ms to 1,099 ms.
    for (let i = 0; i < 100; i++) {
      monitor.register(`s${i}`, 'agent');
      scheduler.advance(1);
    }
    scheduler.advance(1_000 - 100 - 1);
    const calls = (store as RecordingStore).calls;
    calls.length = 0;
    scheduler.advance(100);
    const windows = Math.ceil(100 / READ_AHEAD_MS);
    expect(calls.map((c) => c.at)).toEqual(
      Array.from({ length: windows }, (_, w) => 1_000 + w * READ_AHEAD_MS),
    );
    for (const c of calls) {
      expect(c.until).toBe(c.at + READ_AHEAD_MS);
      // Everything due within the window, the one due now included.
      expect(c.count).toBe(Math.min(READ_AHEAD_MS + 1, 1_100 - c.at));
    }
  });

  test('many due at one instant are read ahead in turns, and every one is handled', () => {
    const { scheduler, monitor, store, seen } = rig();
    for (let i = 0; i < 150; i++) monitor.register(`s${i}`, 'agent');
    seen.length = 0;
    const calls = (store as RecordingStore).calls;
    scheduler.advance(1_000);
    expect(calls.map((c) => c.count)).toEqual([64, 64, 22]);
    expect(calls.every((c) => c.at === 1_000)).toBe(true);
    expect(seen.filter((t) => t.kind === 'warning')).toHaveLength(150);
  });

  test('a store that reads nothing is asked once per window, and a clock stepping back opens one', () => {
    const clock = new FakeClock(0);
    const store = new RecordingStore(clock);
    const ahead = new ReadAhead(store); // an empty store: it reads nothing ahead
    const at = (now: number) => {
      clock.set(Math.max(clock.now(), now));
      ahead.next(now);
      return store.calls.length;
    };
    expect(at(1_000)).toBe(1);
    expect(at(1_010)).toBe(1); // nothing read is no reason to ask on every due session
    expect(at(900)).toBe(2); // the clock stepped back past the window's start
    expect(at(931)).toBe(2);
    expect(at(932)).toBe(3); // that window has passed
    expect(store.calls.map((c) => c.until)).toEqual([1_032, 932, 964]);
  });

  test('a store without read-ahead gets the same transitions', () => {
    const run = (store?: (clock: FakeClock) => MemoryStore) => {
      const { scheduler, monitor, seen } = rig(store);
      for (let i = 0; i < 200; i++) {
        monitor.register(`s${i}`, 'agent');
        if (i % 3 === 0) scheduler.advance(1);
      }
      for (let i = 0; i < 200; i += 7) monitor.beat(`s${i}`);
      scheduler.advance(3_500);
      return seen.map((t) => `${t.at} ${t.kind} ${t.session}`);
    };
    const plain = () => {
      const store = new MemoryStore();
      Object.defineProperty(store, 'readAhead', { value: undefined });
      return store;
    };
    const withReadAhead = run();
    expect(withReadAhead.filter((t) => t.includes('timeout'))).toHaveLength(200);
    expect(run(plain)).toEqual(withReadAhead);
  });
});
