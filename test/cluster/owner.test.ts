import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Transition } from '../../shared/session.js';
import { decodeTransition } from '../../server/cluster/codec.js';
import { MemoryClusterStore } from '../../server/cluster/memory-store.js';
import { OwnedSessions, ownerPumpHooks, type LossReason } from '../../server/cluster/owner.js';
import { Pump } from '../../server/cluster/pump.js';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import type { MonitorEvent } from '../../server/monitor/rules.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

const policy = { timeoutMs: 1000, checkIntervalMs: 500, maxMissedBeats: 2 };
const connect = (id: string): MonitorEvent => ({
  type: 'connect',
  id,
  tenant: 'default',
  agentType: 'planner',
  policy,
});

/** One node on fake time over the in-process store: the owner, its pump, what it saw. */
function node(store: MemoryClusterStore, name: string, clock: FakeClock, maxQueue = 1000) {
  const scheduler = new FakeScheduler(clock);
  const local: MonitorTransition[] = [];
  const lost: string[] = [];
  const pump = new Pump({
    store,
    node: name,
    log: pino({ level: 'silent' }),
    maxBatch: 100,
    maxQueue,
  });
  const owned = new OwnedSessions({
    clock,
    scheduler,
    rules: { maxPauseMs: 0 },
    sink: pump,
    hooks: {
      transition: (t) => local.push(t),
      lost: (_tenant: string, id: string, reason: LossReason) => lost.push(`${id}:${reason}`),
    },
  });
  pump.connect(ownerPumpHooks(owned));
  pump.setReachable(true);
  owned.start();
  return { owned, pump, scheduler, local, lost };
}

async function stream(store: MemoryClusterStore): Promise<Transition[]> {
  const events = await store.events(0, 1000);
  return events.map((e) => decodeTransition(e.encoded)).filter((t) => t !== undefined);
}

describe('owned sessions on fake time, over the in-process store', () => {
  it('times a session locally and commits each transition once, at its nominal time', async () => {
    const clock = new FakeClock(10_000);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    a.owned.claim('default', 's1', connect('s1'), undefined);
    a.scheduler.advance(999);
    a.owned.apply('default', 's1', { type: 'beat', status: 'busy' });
    a.scheduler.advance(1000);
    a.scheduler.advance(500);
    await a.pump.drain();
    const kinds = (await stream(store)).map((t) => `${t.kind}@${Date.parse(t.at) - 10_000}`);
    expect(kinds).toEqual(['registered@0', 'warning@1999', 'timeout@2499']);
    expect(a.local.map((t) => t.kind)).toEqual(['registered', 'warning', 'timeout']);
    expect(await store.load('default', 's1')).toBeUndefined();
  });

  it('flushes beats without transitions in one batch, and only dirty sessions', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    a.owned.claim('default', 's1', connect('s1'), undefined);
    a.owned.claim('default', 's2', connect('s2'), undefined);
    await a.pump.drain();
    a.scheduler.advance(300);
    a.owned.apply('default', 's1', { type: 'beat', status: 'step 2' });
    a.pump.flush();
    await a.pump.drain();
    expect((await store.load('default', 's1'))?.lastBeat).toBe(300);
    expect((await store.load('default', 's1'))?.record.status).toBe('step 2');
    expect((await store.load('default', 's2'))?.lastBeat).toBe(0);
    expect(a.owned.takeDirty()).toEqual([]);
  });

  it('commits a beat that resets the count while paused, though it emits nothing', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    a.owned.claim('default', 's1', connect('s1'), undefined);
    a.scheduler.advance(1000);
    a.owned.apply('default', 's1', { type: 'pause', by: 'dashboard' });
    await a.pump.drain();
    expect((await store.load('default', 's1'))?.record.missedBeats).toBe(1);
    a.scheduler.advance(100);
    const s = a.owned.apply('default', 's1', { type: 'beat' });
    expect(s?.transitions).toEqual([]);
    await a.pump.drain();
    const stored = await store.load('default', 's1');
    expect(stored?.record.missedBeats).toBe(0);
    expect(stored?.record.pause?.by).toBe('dashboard');
    expect(stored?.lastBeat).toBe(1100);
  });

  it('a stale claim is decided again on the stored session: reconnected, not registered', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    const b = node(store, 'B', clock);
    a.owned.claim('default', 's1', connect('s1'), undefined);
    await a.pump.drain();
    clock.set(100);
    // B's replica has not seen the session yet: it decides `registered` ...
    b.owned.claim('default', 's1', connect('s1'), undefined);
    await b.pump.drain();
    // ... the store refuses it, B decides again, and the session moved with its history.
    expect((await stream(store)).map((t) => t.kind)).toEqual(['registered', 'reconnected']);
    expect((await store.load('default', 's1'))?.owner).toBe('B');
    expect((await store.load('default', 's1'))?.record.registeredAt).toBe(0);
    expect(a.lost).toEqual([]);
    // A learns it on its next commit (or from its inbox): dropped, silently.
    clock.set(1000);
    a.scheduler.advance(0);
    await a.pump.drain();
    expect(a.lost).toEqual(['s1:replaced']);
    expect((await stream(store)).map((t) => t.kind)).toEqual(['registered', 'reconnected']);
  });

  it("a dead node's sessions fire their overdue deadlines at nominal times, then disconnect", async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    const b = node(store, 'B', clock);
    await store.alive('A');
    await store.alive('B');
    a.owned.claim('default', 's1', connect('s1'), undefined);
    a.owned.claim('default', 's2', connect('s2'), undefined);
    a.scheduler.advance(800);
    a.owned.apply('default', 's2', { type: 'beat' });
    a.pump.flush();
    await a.pump.drain();
    // A dies at 800 (its timer never fires again); B, marking itself every 100 ms as a live
    // node does (a gap in its marks would be a stall, and stop its reap), notices at 1200.
    await store.alive('B');
    for (let at = 900; at <= 1200; at += 100) {
      clock.set(at);
      await store.alive('B');
    }
    const reaped = await store.reap('B', 300, 100);
    b.owned.adopt(reaped?.sessions ?? []);
    await b.pump.drain();
    const seen = (await stream(store)).map((t) => `${t.session}:${t.kind}@${Date.parse(t.at)}`);
    expect(seen).toEqual([
      's1:registered@0',
      's2:registered@0',
      's1:warning@1000',
      's1:disconnected@1200',
      's2:disconnected@1200',
    ]);
    b.scheduler.advance(1000);
    await b.pump.drain();
    const later = (await stream(store))
      .slice(5)
      .map((t) => `${t.session}:${t.kind}@${Date.parse(t.at)}`);
    expect(later).toEqual(['s1:timeout@1500', 's2:warning@1800']);
  });

  it('keeps operations while the store is unreachable and commits them in order after', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock);
    a.pump.setReachable(false);
    a.owned.claim('default', 's1', connect('s1'), undefined);
    a.scheduler.advance(1500);
    expect(a.local.map((t) => t.kind)).toEqual(['registered', 'warning', 'timeout']);
    expect(a.pump.backlog).toBe(3);
    expect(await stream(store)).toEqual([]);
    a.pump.setReachable(true);
    await a.pump.drain();
    expect((await stream(store)).map((t) => t.kind)).toEqual(['registered', 'warning', 'timeout']);
  });

  it('bounds what it keeps while the store is away: the oldest operations go first', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryClusterStore({ clock, maxEvents: 1000 });
    const a = node(store, 'A', clock, 4);
    a.pump.setReachable(false);
    for (let i = 0; i < 6; i++) a.owned.claim('default', `s${i}`, connect(`s${i}`), undefined);
    expect(a.pump.backlog).toBe(4);
    a.pump.setReachable(true);
    await a.pump.drain();
    expect((await stream(store)).map((t) => t.session)).toEqual(['s2', 's3', 's4', 's5']);
  });
});
