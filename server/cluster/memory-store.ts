import { encodeRecord, decodeRecord } from './codec.js';
import { withStatus, type Held } from './stored.js';
import type { Clock } from '../monitor/types.js';
import type { SessionRecord } from '../monitor/record.js';
import type {
  Beat,
  ClusterStore,
  OpResult,
  Reaped,
  StoreOp,
  StoredEvent,
  SharedSession,
} from './store.js';

interface Entry {
  record: SessionRecord;
  lastBeat: number;
  owner: string;
  epoch: number;
  version: number;
  op: number;
  reaped: boolean;
}

const key = (tenant: string, id: string) => `${tenant}/${id}`;

/**
 * The cluster store in process: the same contract as `RedisClusterStore`, for tests and
 * for reasoning about the scripts (each method body here is what one script does).
 * Records go through the same encoding, so both stores hand back equal values.
 *
 * @example
 * ```ts
 * const store = new MemoryClusterStore({ clock, maxEvents: 10_000 });
 * ```
 */
export class MemoryClusterStore implements ClusterStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly nodes = new Map<string, number>();
  private readonly priorMarks = new Map<string, number>();
  private readonly inboxes = new Map<string, (message: string) => void>();
  private log: StoredEvent[] = [];
  private seq = 0;

  constructor(private readonly options: { clock: Clock; maxEvents: number }) {}

  /** Where `forward` delivers a node's messages (the Redis store uses pub/sub). */
  listen(node: string, inbox: (message: string) => void): void {
    this.inboxes.set(node, inbox);
  }

  apply(node: string, ops: readonly StoreOp[]): Promise<OpResult[]> {
    return Promise.resolve(ops.map((op) => this.one(node, op)));
  }

  private one(node: string, op: StoreOp): OpResult {
    if (op.kind === 'flush') return this.flush(node, op.beats);
    const k = op.kind === 'claim' ? key(op.record.tenant, op.record.id) : key(op.tenant, op.id);
    const cur = this.sessions.get(k);
    if (cur !== undefined && cur.owner === node && cur.op >= op.op) {
      return { status: 'dup', epoch: cur.epoch, version: cur.version, seqs: [] };
    }
    if (op.kind === 'claim') {
      const mismatch =
        op.expected === -1 ? cur?.owner !== node : (cur?.version ?? 0) !== op.expected;
      if (mismatch) {
        return { status: 'stale', current: cur === undefined ? undefined : copy(cur) };
      }
      if (cur !== undefined && cur.owner !== node) {
        const message = JSON.stringify({ lost: [op.record.tenant, op.record.id] });
        this.inboxes.get(cur.owner)?.(message);
      }
      const epoch = (cur?.epoch ?? 0) + 1;
      const held = roundTrip(op.record, op.lastBeat);
      const version = cur?.version ?? 0;
      const entry: Entry = { ...held, owner: node, epoch, version, op: op.op, reaped: false };
      this.sessions.set(k, entry);
      const seqs = this.append(op.transitions, entry);
      if (seqs.length > 0) entry.version = seqs[seqs.length - 1] ?? entry.version;
      return { status: 'ok', epoch, version: entry.version, seqs };
    }
    if (cur === undefined || cur.owner !== node) {
      return { status: 'fenced', owner: cur?.owner, reaped: cur?.reaped ?? true };
    }
    cur.op = op.op;
    if (op.record === undefined) this.sessions.delete(k);
    else {
      const held = roundTrip(op.record, op.lastBeat);
      cur.record = held.record;
      // L only moves forward: a flush may have written a later beat already.
      cur.lastBeat = Math.max(cur.lastBeat, held.lastBeat);
    }
    const seqs = this.append(op.transitions, op.record === undefined ? null : cur);
    if (seqs.length > 0) cur.version = seqs[seqs.length - 1] ?? cur.version;
    return { status: 'ok', epoch: cur.epoch, version: cur.version, seqs };
  }

  private flush(node: string, beats: readonly Beat[]): OpResult {
    let skipped = 0;
    for (const b of beats) {
      const cur = this.sessions.get(key(b.tenant, b.id));
      if (cur === undefined || cur.owner !== node) {
        skipped++;
        continue;
      }
      if (b.lastBeat >= cur.lastBeat) {
        cur.lastBeat = b.lastBeat;
        cur.record = withStatus(cur.record, b.status);
      }
    }
    return { status: 'flushed', skipped };
  }

  private append(tails: readonly string[], after: Entry | null): number[] {
    const seqs: number[] = [];
    tails.forEach((tail, i) => {
      this.seq += 1;
      const last = i === tails.length - 1;
      const event: StoredEvent = {
        seq: this.seq,
        encoded: `{"seq":${this.seq},${tail}`,
        after: !last ? undefined : after === null ? null : { ...copy(after), version: this.seq },
      };
      this.log.push(event);
      seqs.push(this.seq);
    });
    if (this.log.length > this.options.maxEvents * 2) {
      this.log = this.log.slice(-this.options.maxEvents);
    }
    return seqs;
  }

  load(tenant: string, id: string): Promise<SharedSession | undefined> {
    const cur = this.sessions.get(key(tenant, id));
    return Promise.resolve(cur === undefined ? undefined : copy(cur));
  }

  loadAll(): Promise<SharedSession[]> {
    return Promise.resolve([...this.sessions.values()].map(copy));
  }

  alive(node: string, leaving = false): Promise<void> {
    const last = this.nodes.get(node);
    if (last !== undefined) this.priorMarks.set(node, last);
    this.nodes.set(node, leaving ? 0 : this.options.clock.now());
    return Promise.resolve();
  }

  reap(node: string, ttlMs: number, max: number): Promise<Reaped | undefined> {
    const now = this.options.clock.now();
    const mine = this.nodes.get(node);
    // As the REAP script: the caller's marks must show no stall, and a reap marks it.
    if (mine === undefined || mine < now - ttlMs / 2) return Promise.resolve(undefined);
    const prior = this.priorMarks.get(node);
    if (prior !== undefined && mine - prior > ttlMs / 2) return Promise.resolve(undefined);
    this.priorMarks.set(node, mine);
    this.nodes.set(node, now);
    const dead = [...this.nodes].find(([n, at]) => n !== node && at <= now - ttlMs)?.[0];
    if (dead === undefined) return Promise.resolve(undefined);
    const sessions: SharedSession[] = [];
    for (const entry of this.sessions.values()) {
      if (sessions.length >= max) break;
      if (entry.owner !== dead) continue;
      entry.owner = node;
      entry.epoch += 1;
      entry.op = 0;
      entry.reaped = true;
      sessions.push(copy(entry));
    }
    if (![...this.sessions.values()].some((e) => e.owner === dead)) {
      this.nodes.delete(dead);
      this.priorMarks.delete(dead);
    }
    return Promise.resolve({ dead, sessions });
  }

  events(after: number, count: number): Promise<StoredEvent[]> {
    return Promise.resolve(this.log.filter((e) => e.seq > after).slice(0, count));
  }

  lastEvents(count: number): Promise<StoredEvent[]> {
    return Promise.resolve(this.log.slice(-count));
  }

  forward(tenant: string, id: string, message: string): Promise<boolean> {
    const owner = this.sessions.get(key(tenant, id))?.owner;
    const inbox = owner === undefined ? undefined : this.inboxes.get(owner);
    inbox?.(message);
    return Promise.resolve(inbox !== undefined);
  }
}

function roundTrip(record: SessionRecord, lastBeat: number): Held {
  const decoded = decodeRecord(encodeRecord(record, lastBeat));
  if (decoded === undefined) throw new Error('record does not encode');
  return decoded;
}

function copy(e: Entry): SharedSession {
  return {
    record: e.record,
    lastBeat: e.lastBeat,
    owner: e.owner,
    epoch: e.epoch,
    version: e.version,
  };
}
