import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { encodeRecord } from './codec.js';
import type { ClusterKeys } from './keys.js';
import { ALIVE, CLAIM, COMMIT, FLUSH, FORWARD, REAP } from './lua.js';
import { decodeEvent, decodeReaped, decodeResult } from './replies.js';
import { encodeStatus, storedSession } from './stored.js';
import type {
  ClusterStore,
  OpResult,
  Reaped,
  StoreOp,
  StoredEvent,
  SharedSession,
} from './store.js';

const SCRIPTS = { CLAIM, COMMIT, FLUSH, ALIVE, REAP, FORWARD } as const;
type ScriptName = keyof typeof SCRIPTS;
const SHA: Readonly<Record<ScriptName, string>> = {
  CLAIM: sha1(CLAIM),
  COMMIT: sha1(COMMIT),
  FLUSH: sha1(FLUSH),
  ALIVE: sha1(ALIVE),
  REAP: sha1(REAP),
  FORWARD: sha1(FORWARD),
};

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export interface RedisStoreOptions {
  readonly redis: Redis;
  readonly keys: ClusterKeys;
  /** Approximate hard cap of the event stream (`XADD MAXLEN ~`). */
  readonly streamMaxLen: number;
}

/**
 * The cluster store on Redis: each operation is one `EVALSHA`, a batch is one pipeline.
 * Scripts are loaded on first use and again after a Redis restart (`NOSCRIPT`).
 *
 * @example
 * ```ts
 * const store = new RedisClusterStore({ redis, keys: clusterKeys('pulsegate:'), streamMaxLen: 100_000 });
 * await store.apply('node-a#1', [{ kind: 'claim', op: 1, record, expected: 0, transitions }]);
 * ```
 */
export class RedisClusterStore implements ClusterStore {
  private readonly redis: Redis;
  private readonly keys: ClusterKeys;
  private readonly maxLen: string;

  constructor(options: RedisStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.maxLen = String(options.streamMaxLen);
  }

  private async loadScripts(): Promise<void> {
    for (const source of Object.values(SCRIPTS)) await this.redis.script('LOAD', source);
  }

  private args(node: string, op: StoreOp): [ScriptName, (string | number)[]] {
    const k = this.keys;
    switch (op.kind) {
      case 'claim': {
        const r = op.record;
        const keys = [
          k.session(r.tenant, r.id),
          k.owned(node),
          k.tenant(r.tenant),
          k.tenants,
          k.seq,
          k.events,
        ];
        const rec = encodeRecord(r, op.lastBeat);
        const argv = [node, op.op, op.expected, rec, r.id, r.tenant, this.maxLen];
        return ['CLAIM', [6, ...keys, ...argv, k.prefix, ...op.transitions]];
      }
      case 'commit': {
        const keys = [
          k.session(op.tenant, op.id),
          k.owned(node),
          k.tenant(op.tenant),
          k.seq,
          k.events,
        ];
        const rec = op.record === undefined ? '' : encodeRecord(op.record, op.lastBeat);
        return ['COMMIT', [5, ...keys, node, op.op, rec, op.id, this.maxLen, ...op.transitions]];
      }
      case 'flush': {
        const keys = op.beats.map((b) => k.session(b.tenant, b.id));
        const payload = JSON.stringify(
          op.beats.map((b) => [b.tenant, b.id, b.lastBeat, b.status ?? null]),
        );
        const argv: (string | number)[] = [node, k.beats, payload];
        for (const b of op.beats) argv.push(b.lastBeat, encodeStatus(b.status));
        return ['FLUSH', [keys.length, ...keys, ...argv]];
      }
    }
  }

  async apply(node: string, ops: readonly StoreOp[]): Promise<OpResult[]> {
    if (ops.length === 0) return [];
    const calls = ops.map((op) => this.args(node, op));
    for (let attempt = 0; ; attempt++) {
      const pipeline = this.redis.pipeline();
      for (const [name, args] of calls) pipeline.call('evalsha', [SHA[name], ...args]);
      const replies = (await pipeline.exec()) ?? [];
      if (attempt === 0 && replies.some(([error]) => isNoScript(error))) {
        // Retrying the whole batch is safe: applied operations answer `dup`.
        await this.loadScripts();
        continue;
      }
      return replies.map(([error, reply], i) => {
        if (error !== null) throw error;
        return decodeResult(ops[i]?.kind ?? 'commit', reply);
      });
    }
  }

  private async eval(name: ScriptName, args: (string | number)[]): Promise<unknown> {
    try {
      return await this.redis.call('evalsha', [SHA[name], ...args]);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      await this.loadScripts();
      return this.redis.call('evalsha', [SHA[name], ...args]);
    }
  }

  async load(tenant: string, id: string): Promise<SharedSession | undefined> {
    const fields = await this.redis.hgetall(this.keys.session(tenant, id));
    return storedSession(new Map(Object.entries(fields)));
  }

  async loadAll(): Promise<SharedSession[]> {
    const out: SharedSession[] = [];
    const tenants = await this.redis.smembers(this.keys.tenants);
    for (const tenant of tenants) {
      const ids = await this.redis.smembers(this.keys.tenant(tenant));
      for (let i = 0; i < ids.length; i += 1000) {
        const pipeline = this.redis.pipeline();
        for (const id of ids.slice(i, i + 1000)) pipeline.hgetall(this.keys.session(tenant, id));
        for (const [error, value] of (await pipeline.exec()) ?? []) {
          if (error !== null || typeof value !== 'object' || value === null) continue;
          const s = storedSession(new Map(Object.entries(value)));
          if (s !== undefined) out.push(s);
        }
      }
    }
    return out;
  }

  async alive(node: string, leaving = false): Promise<void> {
    await this.eval('ALIVE', [2, this.keys.nodes, this.keys.priorMarks, node, leaving ? '1' : '0']);
  }

  async reap(node: string, ttlMs: number, max: number): Promise<Reaped | undefined> {
    const { nodes, priorMarks, prefix } = this.keys;
    const reply = await this.eval('REAP', [2, nodes, priorMarks, node, ttlMs, max, prefix]);
    const reaped = decodeReaped(reply);
    return (
      reaped && { dead: reaped.dead, sessions: reaped.sessions.map((s) => ({ ...s, owner: node })) }
    );
  }

  async events(after: number, count: number): Promise<StoredEvent[]> {
    const reply = await this.redis.call('xrange', [
      this.keys.events,
      `${after + 1}-0`,
      '+',
      'COUNT',
      count,
    ]);
    return decodeEvents(reply);
  }

  async lastEvents(count: number): Promise<StoredEvent[]> {
    const reply = await this.redis.call('xrevrange', [this.keys.events, '+', '-', 'COUNT', count]);
    return decodeEvents(reply).reverse();
  }

  async forward(tenant: string, id: string, message: string): Promise<boolean> {
    const n = await this.eval('FORWARD', [
      1,
      this.keys.session(tenant, id),
      this.keys.prefix,
      message,
    ]);
    return typeof n === 'number' && n > 0;
  }
}

/** Decodes an XRANGE-shaped reply; malformed entries are skipped. */
export function decodeEvents(reply: unknown): StoredEvent[] {
  const out: StoredEvent[] = [];
  if (!Array.isArray(reply)) return out;
  const entries: readonly unknown[] = reply;
  for (const entry of entries) {
    const e = decodeEvent(entry);
    if (e !== undefined) out.push(e);
  }
  return out;
}
