import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterKeys } from '../../server/cluster/keys.js';
import { MemoryClusterStore } from '../../server/cluster/memory-store.js';
import { RedisClusterStore } from '../../server/cluster/redis-store.js';
import { encodeTransitionTail } from '../../server/cluster/codec.js';
import type { ClusterStore, OpResult, StoreOp } from '../../server/cluster/store.js';
import { makeRecord, type SessionRecord } from '../../server/monitor/record.js';
import type { MonitorTransition } from '../../server/monitor/types.js';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.js';

const policy = { timeoutMs: 1000, checkIntervalMs: 500, maxMissedBeats: 3 };
const rec = (id: string, missedBeats = 0): SessionRecord =>
  makeRecord(id, 'default', 'planner', policy, 1000, missedBeats, true, undefined, undefined);
const tail = (kind: MonitorTransition['kind'], r: SessionRecord): string =>
  encodeTransitionTail({
    kind,
    at: 1000,
    session: r.id,
    tenant: r.tenant,
    agentType: r.agentType,
    state: 'healthy',
    missedBeats: r.missedBeats,
    maxMissedBeats: 3,
  });
const claim = (op: number, r: SessionRecord, expected: number, lastBeat = 1000): StoreOp => ({
  kind: 'claim',
  op,
  record: r,
  lastBeat,
  expected,
  transitions: [tail(expected === 0 ? 'registered' : 'reconnected', r)],
});
const commit = (
  op: number,
  id: string,
  r: SessionRecord | undefined,
  kind: MonitorTransition['kind'],
): StoreOp => ({
  kind: 'commit',
  op,
  tenant: 'default',
  id,
  record: r,
  lastBeat: 1000,
  transitions: [tail(kind, r ?? rec(id))],
});

const redis = testRedis();
const prefixes: string[] = [];
let memoryNow = 10_000;
const clock = { now: () => memoryNow };

afterAll(async () => {
  for (const p of prefixes) await deletePrefix(redis, p);
  redis.disconnect();
});

const makers: Record<string, () => ClusterStore> = {
  memory: () => new MemoryClusterStore({ clock, maxEvents: 1000 }),
  redis: () => {
    const prefix = uniquePrefix('contract');
    prefixes.push(prefix);
    return new RedisClusterStore({ redis, keys: clusterKeys(prefix), streamMaxLen: 1000 });
  },
};

function ok(result: OpResult | undefined) {
  if (result === undefined || (result.status !== 'ok' && result.status !== 'dup'))
    throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

describe.each(Object.keys(makers))('cluster store contract: %s', (name) => {
  let store: ClusterStore;
  beforeEach(() => {
    const make = makers[name];
    if (make === undefined) throw new Error(name);
    store = make();
  });

  it('claims a new session, stamps seq in order and streams the transition', async () => {
    const r = rec('s1');
    const [res] = await store.apply('A', [claim(1, r, 0)]);
    expect(ok(res)).toMatchObject({ epoch: 1, seqs: [1], version: 1 });
    const stored = { record: r, lastBeat: 1000, owner: 'A', epoch: 1, version: 1 };
    expect(await store.load('default', 's1')).toEqual(stored);
    const events = await store.events(0, 10);
    expect(events.map((e) => e.seq)).toEqual([1]);
    expect(JSON.parse(events[0]?.encoded ?? '')).toMatchObject({
      seq: 1,
      kind: 'registered',
      session: 's1',
    });
    expect(events[0]?.after).toEqual(stored);
  });

  it('refuses a claim based on an old version and returns the current session', async () => {
    const r = rec('s1');
    await store.apply('A', [claim(1, r, 0)]);
    const [res] = await store.apply('B', [claim(1, r, 0)]);
    expect(res).toEqual({
      status: 'stale',
      current: { record: r, lastBeat: 1000, owner: 'A', epoch: 1, version: 1 },
    });
    expect((await store.events(0, 10)).length).toBe(1);
  });

  it('a reconnect to the owner (-1) is refused only when another node owns it', async () => {
    const r = rec('s1');
    await store.apply('A', [claim(1, r, 0)]);
    expect(ok((await store.apply('A', [claim(2, r, -1)]))[0]).epoch).toBe(2);
    expect((await store.apply('B', [claim(1, r, -1)]))[0]?.status).toBe('stale');
  });

  it('fences the former owner once another node claimed the session', async () => {
    const r = rec('s1');
    await store.apply('A', [claim(1, r, 0)]);
    const [b] = await store.apply('B', [claim(7, r, 1, 2000)]);
    expect(ok(b)).toMatchObject({ epoch: 2, seqs: [2] });
    const [a] = await store.apply('A', [commit(2, 's1', undefined, 'timeout')]);
    expect(a).toEqual({ status: 'fenced', owner: 'B', reaped: false });
    expect((await store.events(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    const now = await store.load('default', 's1');
    expect(now?.owner).toBe('B');
    expect(now?.lastBeat).toBe(2000);
  });

  it('applies a retried operation once (dup), so in-flight batches can be resent', async () => {
    const r = rec('s1');
    const ops = [claim(1, r, 0), commit(2, 's1', rec('s1', 1), 'warning')];
    await store.apply('A', ops);
    const again = await store.apply('A', ops);
    expect(again.map((x) => x.status)).toEqual(['dup', 'dup']);
    expect((await store.events(0, 10)).length).toBe(2);
    expect((await store.load('default', 's1'))?.record.missedBeats).toBe(1);
  });

  it('ends a session on a commit without record; a new claim starts it again', async () => {
    const r = rec('s1');
    await store.apply('A', [claim(1, r, 0), commit(2, 's1', undefined, 'unregistered')]);
    expect(await store.load('default', 's1')).toBeUndefined();
    const events = await store.events(0, 10);
    expect(events[1]?.after).toBeNull();
    const [again] = await store.apply('B', [claim(1, r, 0)]);
    expect(ok(again).seqs).toEqual([3]);
    expect(await store.loadAll()).toHaveLength(1);
  });

  it('flushes beats only for sessions the node owns; the newer beat wins on read', async () => {
    await store.apply('A', [claim(1, rec('s1'), 0)]);
    const [f] = await store.apply('A', [
      {
        kind: 'flush',
        op: 0,
        beats: [
          { tenant: 'default', id: 's1', lastBeat: 5000, status: 'step 2' },
          { tenant: 'default', id: 'other', lastBeat: 5000, status: undefined },
        ],
      },
    ]);
    expect(f).toEqual({ status: 'flushed', skipped: 1 });
    const [g] = await store.apply('B', [
      {
        kind: 'flush',
        op: 0,
        beats: [{ tenant: 'default', id: 's1', lastBeat: 9000, status: 'no' }],
      },
    ]);
    expect(g).toEqual({ status: 'flushed', skipped: 1 });
    const loaded = await store.load('default', 's1');
    expect(loaded?.lastBeat).toBe(5000);
    expect(loaded?.record.status).toBe('step 2');
    expect(loaded?.version).toBe(1);
    // A commit with an older L does not move the last beat back.
    await store.apply('A', [commit(2, 's1', rec('s1', 1), 'warning')]);
    expect((await store.load('default', 's1'))?.lastBeat).toBe(5000);
  });

  it('reaps a dead node: its sessions move to one survivor, epoch + 1, exactly once', async () => {
    const r1 = rec('s1');
    const r2 = rec('s2');
    await store.alive('A');
    await store.alive('B');
    await store.alive('C');
    await store.apply('A', [claim(1, r1, 0), claim(2, r2, 0)]);
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
    await store.alive('A', true);
    const first = await store.reap('B', 1000, 1);
    expect(first?.dead).toBe('A');
    expect(first?.sessions).toHaveLength(1);
    const second = await store.reap('C', 1000, 10);
    expect(second?.sessions).toHaveLength(1);
    const ids = [...(first?.sessions ?? []), ...(second?.sessions ?? [])].map((s) => s.record.id);
    expect(ids.sort()).toEqual(['s1', 's2']);
    expect(second?.sessions[0]).toMatchObject({ epoch: 2, owner: 'C', lastBeat: 1000 });
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
    const owners = (await store.loadAll()).map((s) => s.owner).sort();
    expect(owners).toEqual(['B', 'C']);
    const [late] = await store.apply('A', [commit(3, 's1', r1, 'warning')]);
    expect(late).toMatchObject({ status: 'fenced', reaped: true });
    // The reaper's own operations start from its own numbers.
    const winner = first?.sessions[0]?.record.id === 's1' ? 'B' : 'C';
    expect(ok((await store.apply(winner, [commit(1, 's1', r1, 'warning')]))[0]).seqs).toEqual([3]);
  });

  it('a node not itself alive reaps nothing', async () => {
    await store.alive('A', true);
    await store.alive('B', true);
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
  });

  it("reaps only while the reaper's marks show no stall, and a reap marks it", async () => {
    // Redis judges by its own clock: real time passes there, the memory store's clock moves.
    // ttl 2,000: a mark older than 1,000 ms, or 1,000 ms after the one before, is a stall.
    // Waits only ever overshoot; the ones that must stay under 1,000 ms have 400 ms of room.
    const wait = (ms: number) => {
      memoryNow += ms;
      return name === 'redis' ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
    };
    const ttl = 2_000;
    await store.alive('A');
    await store.alive('B');
    await store.apply('A', [
      claim(1, rec('s1'), 0),
      claim(2, rec('s2'), 0),
      claim(3, rec('s3'), 0),
    ]);
    await store.alive('A', true);
    // B's mark is 1,300 ms old: a reap that waited out a frozen Redis in its socket.
    await wait(1_300);
    expect(await store.reap('B', ttl, 1)).toBeUndefined();
    // B marks again, 1,300 ms after its mark before: the reap sent right after the first
    // mark past a freeze, when the other nodes' marks may not have been read yet.
    await store.alive('B');
    expect(await store.reap('B', ttl, 1)).toBeUndefined();
    // The next mark shows no gap.
    await store.alive('B');
    expect((await store.reap('B', ttl, 1))?.sessions).toHaveLength(1);
    await wait(600);
    expect((await store.reap('B', ttl, 1))?.sessions).toHaveLength(1);
    // 1,200 ms after B's mark, but 600 ms after its last reap, which marked it.
    await wait(600);
    expect((await store.reap('B', ttl, 1))?.sessions).toHaveLength(1);
  });

  it('forwards nothing for a session nobody owns', async () => {
    await store.apply('A', [claim(1, rec('s1'), 0)]);
    expect(await store.forward('default', 'nope', 'x')).toBe(false);
  });

  it('serves the tail of the stream in order', async () => {
    const r = rec('s1');
    const ops = [claim(1, r, 0)];
    for (let i = 2; i <= 6; i++) ops.push(commit(i, 's1', r, 'recovered'));
    await store.apply('A', ops);
    expect((await store.lastEvents(3)).map((e) => e.seq)).toEqual([4, 5, 6]);
    expect((await store.events(4, 10)).map((e) => e.seq)).toEqual([5, 6]);
  });
});
