import { DEFAULT_TENANT } from '../../shared/limits.js';
import { SlotHeap } from './slot-heap.js';
import type { Policy } from '../../shared/session.js';
import type { PauseInfo, SessionRecord } from './record.js';
import type { Millis } from './types.js';

/**
 * A session as the store holds it: its record and L, the time of its last beat. Both are
 * what the store holds *now*: the in-memory store keeps one object per session and writes
 * each change into it, so `record` may change with the session's next `set`. Read it, or
 * pass it to the rules, before writing; keep a copy (`copyRecord`) to keep it longer.
 */
export interface StoredSession {
  readonly record: SessionRecord;
  readonly lastBeat: Millis;
}

/**
 * Where the monitor keeps its sessions and their next deadlines. The rules never see it;
 * the monitor reads a session, applies `step`, and writes back the result here. The cluster
 * store (Redis) implements the same boundary.
 */
export interface SessionStore {
  readonly size: number;
  get(tenant: string, id: string): StoredSession | undefined;
  /**
   * Stores a session under its record's tenant and id, due at `deadline` (`undefined`:
   * never). `from` is what `get` returned for it in the same synchronous call, if anything:
   * a store may write through it instead of looking the session up again.
   */
  set(
    from: StoredSession | undefined,
    record: SessionRecord,
    lastBeat: Millis,
    deadline: Millis | undefined,
  ): void;
  delete(tenant: string, id: string): boolean;
  /** The earliest deadline of all sessions, or `undefined` when none is due ever. */
  earliestDeadline(): Millis | undefined;
  /** The session whose deadline is `earliestDeadline()`. */
  earliest(): StoredSession | undefined;
  /** The sessions of one tenant, or of all tenants, in registration order. */
  sessions(tenant?: string): IterableIterator<StoredSession>;
  /**
   * Optional: gets the sessions due by `until` ready for the wake-up about to handle them
   * (the in-memory store loads their objects into the cache, see `ReadAhead`), and returns
   * how many it got ready.
   */
  readAhead?(until: Millis): number;
}

/**
 * A time in ms kept as two small integers (`hi` = whole 2^20 ms, `lo` = the rest), exact
 * for any time up to 2^51 ms: V8 keeps a number that is no small integer in a field as a
 * pointer to a separate heap number, so reading a time kept whole costs one more cache
 * line per session at a million sessions (measured: about 70 ns a read), and a time is
 * read on every beat and every due session.
 */
const TIME_UNIT = 2 ** 20;

/** At most this many sessions are read ahead at once (`MemoryStore.readAhead`). */
const READ_AHEAD_MAX = 64;

/**
 * `x` as a small integer when it is one: arithmetic on times yields numbers that V8 boxes
 * even when they are whole, and one boxed store makes the field boxed for every session.
 * A fractional time (a custom clock's) is kept exactly, boxed.
 */
function small(x: number): number {
  const i = x | 0;
  return i === x ? i : x;
}

/** The whole units of `t` (see `TIME_UNIT`). */
function highPart(t: Millis): number {
  return small(Math.floor(t / TIME_UNIT));
}

/** What `t` holds beyond `high` whole units. */
function lowPart(t: Millis, high: number): number {
  return small(t - high * TIME_UNIT);
}

/**
 * One session: its record's fields, L and its slot, in one object. A due session or a beat
 * then costs one cold object at a million sessions, where a holder pointing to a separate
 * record cost two; and a record that changes is copied in here and dropped young, instead
 * of replacing the old one (which would live long enough to be promoted, then collected
 * from the old generation). Its two times are kept split (see `TIME_UNIT`).
 */
class Entry implements StoredSession, SessionRecord {
  readonly id: string;
  readonly tenant: string;
  agentType: string;
  policy: Policy;
  missedBeats: number;
  connected: boolean;
  pause: PauseInfo | undefined;
  status: string | undefined;
  private registeredHi: number;
  private registeredLo: number;
  private beatHi: number;
  private beatLo: number;
  /** This session's index in `bySlot` and in the deadline heap. */
  readonly slot: number;

  constructor(r: SessionRecord, lastBeat: Millis, slot: number) {
    this.id = r.id;
    this.tenant = r.tenant;
    this.agentType = r.agentType;
    this.policy = r.policy;
    this.missedBeats = r.missedBeats;
    this.connected = r.connected;
    this.pause = r.pause;
    this.status = r.status;
    this.registeredHi = highPart(r.registeredAt);
    this.registeredLo = lowPart(r.registeredAt, this.registeredHi);
    this.beatHi = highPart(lastBeat);
    this.beatLo = lowPart(lastBeat, this.beatHi);
    this.slot = slot;
  }

  get record(): SessionRecord {
    return this;
  }

  get registeredAt(): Millis {
    return this.registeredHi * TIME_UNIT + this.registeredLo;
  }

  get lastBeat(): Millis {
    return this.beatHi * TIME_UNIT + this.beatLo;
  }

  setLastBeat(at: Millis): void {
    this.beatHi = highPart(at);
    this.beatLo = lowPart(at, this.beatHi);
  }

  /** Takes a new record of this session (same tenant and id). */
  assign(r: SessionRecord): void {
    // A cluster node may learn of a newer registration of the same id.
    const registered = r.registeredAt;
    if (registered !== this.registeredAt) {
      this.registeredHi = highPart(registered);
      this.registeredLo = lowPart(registered, this.registeredHi);
    }
    this.agentType = r.agentType;
    this.policy = r.policy;
    this.missedBeats = r.missedBeats;
    this.connected = r.connected;
    this.pause = r.pause;
    this.status = r.status;
  }
}

/**
 * The in-memory store: one Map per tenant, and every deadline in a `SlotHeap` under the
 * entry's slot. A beat overwrites the entry's L in place and sifts its deadline: nothing is
 * allocated and nothing is looked up twice. Slots of removed sessions are reused, so the
 * slot table and the heap's positions stay at the peak session count (12 B a slot).
 */
export class MemoryStore implements SessionStore {
  // The default tenant's map is held directly: most deployments have only that one.
  private readonly defaultTenant = new Map<string, Entry>();
  private readonly tenants = new Map<string, Map<string, Entry>>([
    [DEFAULT_TENANT, this.defaultTenant],
  ]);
  private readonly deadlines = new SlotHeap();
  private readonly bySlot: (Entry | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private count = 0;
  private readonly ahead = new Int32Array(READ_AHEAD_MAX);
  /** What `readAhead` read, kept in a field so that the compiler cannot drop the reads. */
  private readAheadSum = 0;

  get size(): number {
    return this.count;
  }

  private tenantMap(tenant: string): Map<string, Entry> | undefined {
    return tenant === DEFAULT_TENANT ? this.defaultTenant : this.tenants.get(tenant);
  }

  get(tenant: string, id: string): StoredSession | undefined {
    return this.tenantMap(tenant)?.get(id);
  }

  set(
    from: StoredSession | undefined,
    record: SessionRecord,
    lastBeat: Millis,
    deadline: Millis | undefined,
  ): void {
    let entry = from instanceof Entry ? from : this.tenantMap(record.tenant)?.get(record.id);
    if (entry === undefined) {
      let map = this.tenantMap(record.tenant);
      if (map === undefined) {
        map = new Map();
        this.tenants.set(record.tenant, map);
      }
      const slot = this.freeSlots.pop() ?? this.bySlot.length;
      entry = new Entry(record, lastBeat, slot);
      this.bySlot[slot] = entry;
      map.set(record.id, entry);
      this.count++;
    } else {
      if (record !== entry) entry.assign(record);
      entry.setLastBeat(lastBeat);
    }
    if (deadline === undefined) this.deadlines.delete(entry.slot);
    else this.deadlines.set(entry.slot, deadline);
  }

  delete(tenant: string, id: string): boolean {
    const map = this.tenantMap(tenant);
    const entry = map?.get(id);
    if (map === undefined || entry === undefined) return false;
    map.delete(id);
    this.count--;
    this.deadlines.delete(entry.slot);
    this.bySlot[entry.slot] = undefined;
    this.freeSlots.push(entry.slot);
    // An empty tenant's map goes too, so tenants that come and go leave nothing behind.
    if (map.size === 0 && tenant !== DEFAULT_TENANT) this.tenants.delete(tenant);
    return true;
  }

  earliestDeadline(): Millis | undefined {
    return this.deadlines.peekKey();
  }

  earliest(): StoredSession | undefined {
    const slot = this.deadlines.peekSlot();
    return slot < 0 ? undefined : this.bySlot[slot];
  }

  /**
   * Reads the objects of up to `READ_AHEAD_MAX` sessions due by `until`, taken from the top
   * of the deadline heap, in one tight loop: their cache (and TLB) misses then overlap,
   * where the wake-up, handling one session after another, would pay each miss alone. Each
   * object is read at its header (the type check), a middle field and its last field, so
   * every cache line of it is loaded wherever it starts (an entry is 16 words).
   */
  readAhead(until: Millis): number {
    const ahead = this.ahead;
    const count = this.deadlines.topSlots(until, ahead);
    const bySlot = this.bySlot;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const entry = bySlot[ahead[i] as number];
      if (entry !== undefined) sum += entry.missedBeats + entry.slot;
    }
    this.readAheadSum = sum;
    return count;
  }

  *sessions(tenant?: string): IterableIterator<StoredSession> {
    if (tenant !== undefined) {
      const map = this.tenantMap(tenant);
      if (map !== undefined) yield* map.values();
      return;
    }
    for (const map of this.tenants.values()) yield* map.values();
  }
}
