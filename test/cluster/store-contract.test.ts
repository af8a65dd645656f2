import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterKeys } from '../../server/cluster/keys.js';
import { MemoryClusterStore } from '../../server/cluster/memory-store.js';
import { RedisClusterStore } from '../../server/cluster/redis-store.js';
import { encodeTransitionTail } from '../../server/cluster/codec.js';
import type { ClusterStore, OpResult } from '../../server/cluster/store.js';
import { makeRecord, type SessionRecord } from '../../server/monitor/record.js';
import type { MonitorTransition } from '../../server/monitor/types.js';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.js';

const policy = { timeoutMs: 1000, checkIntervalMs: 500, maxMissedBeats: 3 };
const rec = (id: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  ...makeRecord(id, 'default', 'planner', policy, 1000, 1000, 0, true, undefined, undefined),
  ...over,
});
const tail = (kind: MonitorTransition['kind'], r: SessionRecord): string =>
  encodeTransitionTail({
    kind,
    at: r.lastBeat,
    session: r.id,
    tenant: r.tenant,
    agentType: r.agentType,
    state: 'healthy',
    missedBeats: r.missedBeats,
    maxMissedBeats: 3,
  });

const redis = testRedis();
const prefixes: string[] = [];
const now = 10_000;
const clock = { now: () => now };

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
    store = makers[name]?.() ?? makers.memory!();
  });

  it('claims a new session, stamps seq in order and streams the transition', async () => {
    const r = rec('s1');
    const [res] = await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    const claimed = ok(res);
    expect(claimed.epoch).toBe(1);
    expect(claimed.seqs).toEqual([1]);
    expect(claimed.version).toBe(1);
    const loaded = await store.load('default', 's1');
    expect(loaded).toEqual({ record: r, owner: 'A', epoch: 1, version: 1 });
    const events = await store.events(0, 10);
    expect(events.map((e) => e.seq)).toEqual([1]);
    expect(JSON.parse(events[0]!.encoded)).toMatchObject({
      seq: 1,
      kind: 'registered',
      session: 's1',
    });
    expect(events[0]!.after).toEqual({ record: r, owner: 'A', epoch: 1, version: 1 });
  });

  it('refuses a claim based on an old version and returns the current session', async () => {
    const r = rec('s1');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    const [res] = await store.apply('B', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    expect(res).toEqual({
      status: 'stale',
      current: { record: r, owner: 'A', epoch: 1, version: 1 },
    });
    expect((await store.events(0, 10)).length).toBe(1);
  });

  it('fences the former owner once another node claimed the session', async () => {
    const r = rec('s1');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    const moved = rec('s1', { lastBeat: 2000 });
    const [b] = await store.apply('B', [
      {
        kind: 'claim',
        op: 7,
        record: moved,
        expected: 1,
        transitions: [tail('reconnected', moved)],
      },
    ]);
    expect(ok(b)).toMatchObject({ epoch: 2, seqs: [2] });
    const [a] = await store.apply('A', [
      {
        kind: 'commit',
        op: 2,
        tenant: 'default',
        id: 's1',
        record: undefined,
        transitions: [tail('timeout', r)],
      },
    ]);
    expect(a).toEqual({ status: 'fenced', owner: 'B' });
    expect((await store.events(0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.load('default', 's1'))?.owner).toBe('B');
  });

  it('applies a retried operation once (dup), so in-flight batches can be resent', async () => {
    const r = rec('s1');
    const claim = {
      kind: 'claim',
      op: 1,
      record: r,
      expected: 0,
      transitions: [tail('registered', r)],
    } as const;
    const warn = rec('s1', { missedBeats: 1 });
    const commit = {
      kind: 'commit',
      op: 2,
      tenant: 'default',
      id: 's1',
      record: warn,
      transitions: [tail('warning', warn)],
    } as const;
    await store.apply('A', [claim, commit]);
    const again = await store.apply('A', [claim, commit]);
    expect(again.map((x) => x.status)).toEqual(['dup', 'dup']);
    expect((await store.events(0, 10)).length).toBe(2);
    expect((await store.load('default', 's1'))?.record.missedBeats).toBe(1);
  });

  it('ends a session on a commit without record; a new claim starts it again', async () => {
    const r = rec('s1');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
      {
        kind: 'commit',
        op: 2,
        tenant: 'default',
        id: 's1',
        record: undefined,
        transitions: [tail('unregistered', r)],
      },
    ]);
    expect(await store.load('default', 's1')).toBeUndefined();
    const events = await store.events(0, 10);
    expect(events[1]?.after).toBeNull();
    const [again] = await store.apply('B', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    expect(ok(again).seqs).toEqual([3]);
    expect(await store.loadAll()).toHaveLength(1);
  });

  it('flushes beats only for sessions the node owns; the newer beat wins on read', async () => {
    const r = rec('s1');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    const [f] = await store.apply('A', [
      {
        kind: 'flush',
        op: 2,
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
        op: 1,
        beats: [{ tenant: 'default', id: 's1', lastBeat: 9000, status: 'no' }],
      },
    ]);
    expect(g).toEqual({ status: 'flushed', skipped: 1 });
    const loaded = await store.load('default', 's1');
    expect(loaded?.record.lastBeat).toBe(5000);
    expect(loaded?.record.status).toBe('step 2');
    expect(loaded?.version).toBe(1);
  });

  it('reaps a dead node: its sessions move to one survivor, epoch + 1, exactly once', async () => {
    const r1 = rec('s1');
    const r2 = rec('s2');
    await store.alive('A');
    await store.alive('B');
    await store.alive('C');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r1, expected: 0, transitions: [tail('registered', r1)] },
      { kind: 'claim', op: 2, record: r2, expected: 0, transitions: [tail('registered', r2)] },
    ]);
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
    await store.alive('A', true);
    const first = await store.reap('B', 1000, 1);
    expect(first?.dead).toBe('A');
    expect(first?.sessions).toHaveLength(1);
    const second = await store.reap('C', 1000, 10);
    expect(second?.sessions).toHaveLength(1);
    const ids = [...(first?.sessions ?? []), ...(second?.sessions ?? [])].map((s) => s.record.id);
    expect(ids.sort()).toEqual(['s1', 's2']);
    expect(second?.sessions[0]?.epoch).toBe(2);
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
    const owners = (await store.loadAll()).map((s) => s.owner).sort();
    expect(owners).toEqual(['B', 'C']);
  });

  it('a node not itself alive reaps nothing', async () => {
    await store.alive('A', true);
    await store.alive('B', true);
    expect(await store.reap('B', 1000, 10)).toBeUndefined();
  });

  it('forwards a message to the owner only', async () => {
    const r = rec('s1');
    await store.apply('A', [
      { kind: 'claim', op: 1, record: r, expected: 0, transitions: [tail('registered', r)] },
    ]);
    expect(await store.forward('default', 'nope', 'x')).toBe(false);
  });

  it('serves the tail of the stream in order', async () => {
    const r = rec('s1');
    const ops = [
      {
        kind: 'claim',
        op: 1,
        record: r,
        expected: 0,
        transitions: [tail('registered', r)],
      } as const,
    ];
    for (let i = 2; i <= 6; i++) {
      ops.push({
        kind: 'commit',
        op: i,
        tenant: 'default',
        id: 's1',
        record: r,
        transitions: [tail('recovered', r)],
      } as never);
    }
    await store.apply('A', ops);
    expect((await store.lastEvents(3)).map((e) => e.seq)).toEqual([4, 5, 6]);
    expect((await store.events(4, 10)).map((e) => e.seq)).toEqual([5, 6]);
  });
});
