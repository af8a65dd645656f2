import { makeRecord, stateOf, type SessionRecord } from '../monitor/record.js';
import {
  deadlineOf,
  step,
  type MonitorEvent,
  type RuleSettings,
  type Step,
} from '../monitor/rules.js';
import { MemoryStore } from '../monitor/store.js';
import type { Clock, LiveState, Millis, MonitorTransition, Scheduler } from '../monitor/types.js';
import { encodeTransitionTail } from './codec.js';
import type { Beat, StoredSession } from './store.js';

const DUE: MonitorEvent = Object.freeze({ type: 'due' });
const DISCONNECT: MonitorEvent = Object.freeze({ type: 'disconnect' });
/** Deadlines handled per wake-up before yielding to the event loop. */
const MAX_DUE_PER_WAKE = 1000;

/** Where the owner sends what must reach the shared store, in order (the pump). */
export interface OpSink {
  /** Queues a claim; returns its operation number. */
  claim(record: SessionRecord, expected: number, transitions: readonly string[]): number;
  commit(
    tenant: string,
    id: string,
    record: SessionRecord | undefined,
    transitions: readonly string[],
  ): number;
}

/** Why this node stopped owning a session. */
export type LossReason = 'replaced' | 'fenced';

export interface OwnerHooks {
  /** Every transition this node decided, synchronously, in order (agents, metrics). */
  transition(t: MonitorTransition): void;
  /** This node no longer owns a session (another node claimed it). */
  lost(tenant: string, id: string, reason: LossReason): void;
}

interface PendingClaim {
  readonly tenant: string;
  readonly id: string;
  readonly event: MonitorEvent;
  readonly at: Millis;
}

const keyOf = (tenant: string, id: string) => `${tenant} ${id}`;

function withLastBeat(r: SessionRecord, lastBeat: Millis): SessionRecord {
  return makeRecord(
    r.id,
    r.tenant,
    r.agentType,
    r.policy,
    r.registeredAt,
    lastBeat,
    r.missedBeats,
    r.connected,
    r.pause,
    r.status,
  );
}

/**
 * The sessions this node owns, timed locally with exact deadlines by the same pure rules
 * as the single-node monitor (`step`). Every transition it decides is delivered locally at
 * once and queued for the shared store, where the commit script accepts it only while this
 * node still owns the session. Beats without a transition only mark the session dirty:
 * the pump flushes them in batches.
 */
export class OwnedSessions {
  private readonly store = new MemoryStore();
  private readonly dirty = new Map<string, { tenant: string; id: string }>();
  /** The latest claim of each session still waiting for its answer, by operation number. */
  private readonly claims = new Map<string, number>();
  private readonly pending = new Map<number, PendingClaim>();
  private readonly counts: Record<LiveState, number> = { healthy: 0, warning: 0, paused: 0 };
  private running = false;
  private armedAt: Millis | undefined;

  constructor(
    private readonly options: {
      readonly clock: Clock;
      readonly scheduler: Scheduler;
      readonly rules: RuleSettings;
      readonly sink: OpSink;
      readonly hooks: OwnerHooks;
    },
  ) {}

  get size(): number {
    return this.store.size;
  }

  countByState(): Readonly<Record<LiveState, number>> {
    return { ...this.counts };
  }

  get(tenant: string, id: string): SessionRecord | undefined {
    return this.store.get(tenant, id);
  }

  records(tenant?: string): IterableIterator<SessionRecord> {
    return this.store.records(tenant);
  }

  /** Applies an event to an owned session; `undefined` when this node does not own it. */
  apply(tenant: string, id: string, event: MonitorEvent): Step | undefined {
    const record = this.store.get(tenant, id);
    if (record === undefined) return undefined;
    const s = step(record, event, this.options.clock.now(), this.options.rules);
    this.write(record, s);
    if (s.transitions.length > 0) {
      this.options.sink.commit(tenant, id, s.record, s.transitions.map(encodeTransitionTail));
    } else if (s.record !== record && s.record !== undefined) {
      this.dirty.set(keyOf(tenant, id), { tenant, id });
    }
    this.emit(s.transitions);
    return s;
  }

  /**
   * Takes a session: decides `event` on `base` (what this node believes is stored, with its
   * version), installs the result and queues the claim. A claim refused as stale is decided
   * again on the stored session (`stale`).
   */
  claim(
    tenant: string,
    id: string,
    event: MonitorEvent,
    base: { record: SessionRecord; version: number } | undefined,
  ): Step {
    const now = this.options.clock.now();
    const s = step(base?.record, event, now, this.options.rules);
    const prev = this.store.get(tenant, id);
    this.write(prev, s);
    if (s.record !== undefined) {
      const op = this.options.sink.claim(
        s.record,
        base?.version ?? 0,
        s.transitions.map(encodeTransitionTail),
      );
      this.claims.set(keyOf(tenant, id), op);
      this.pending.set(op, { tenant, id, event, at: now });
    }
    this.emit(s.transitions);
    return s;
  }

  /** The answer to claim `op`: accepted. */
  claimed(op: number): void {
    const claim = this.pending.get(op);
    this.pending.delete(op);
    if (claim === undefined) return;
    const key = keyOf(claim.tenant, claim.id);
    if (this.claims.get(key) === op) this.claims.delete(key);
  }

  /** The answer to claim `op`: stale; decide again on `current` and claim again. */
  stale(op: number, current: StoredSession | undefined): void {
    const claim = this.pending.get(op);
    this.pending.delete(op);
    if (claim === undefined) return;
    const { tenant, id } = claim;
    const local = keyOf(tenant, id);
    // A later claim of the same session supersedes this one.
    if (this.claims.get(local) !== op) return;
    const s = step(current?.record, claim.event, claim.at, this.options.rules);
    const prev = this.store.get(tenant, id);
    if (s.record === undefined) {
      this.write(prev, s);
      this.claims.delete(local);
      return;
    }
    // Beats seen since the first decision still count.
    const mine =
      prev !== undefined && prev.lastBeat > s.record.lastBeat ? prev.lastBeat : undefined;
    const next = mine === undefined ? s.record : withLastBeat(s.record, mine);
    this.write(prev, { ...s, record: next });
    const again = this.options.sink.claim(
      next,
      current?.version ?? 0,
      s.transitions.map(encodeTransitionTail),
    );
    this.claims.set(local, again);
    this.pending.set(again, claim);
  }

  /**
   * A commit or claim of this session was fenced: another node owns it. Ignored when a
   * later claim of this node is still waiting (it decides ownership).
   */
  fenced(tenant: string, id: string, op: number): void {
    const latest = this.claims.get(keyOf(tenant, id));
    if (latest !== undefined && latest > op) return;
    this.drop(tenant, id, 'fenced');
  }

  /** Stops owning a session without a transition (another node has it now). */
  drop(tenant: string, id: string, reason: LossReason): void {
    const record = this.store.get(tenant, id);
    if (record === undefined) return;
    this.write(record, { record: undefined, transitions: [], deadline: undefined, accepted: true });
    this.claims.delete(keyOf(tenant, id));
    this.options.hooks.lost(tenant, id, reason);
  }

  /** Sessions this node reaped from a dead node: a connected one is disconnected now. */
  adopt(sessions: readonly StoredSession[]): void {
    for (const s of sessions) {
      const { tenant, id } = s.record;
      const prev = this.store.get(tenant, id);
      if (prev !== undefined) continue;
      this.write(undefined, {
        record: s.record,
        transitions: [],
        deadline: undefined,
        accepted: true,
      });
      if (s.record.connected) this.apply(tenant, id, DISCONNECT);
    }
    if (this.running) this.armEarliest();
  }

  /** The dirty sessions' beats, taken for a flush. */
  takeDirty(): Beat[] {
    const out: Beat[] = [];
    for (const { tenant, id } of this.dirty.values()) {
      const r = this.store.get(tenant, id);
      if (r !== undefined) out.push({ tenant, id, lastBeat: r.lastBeat, status: r.status });
    }
    this.dirty.clear();
    return out;
  }

  /** Marks sessions dirty again (their flush did not reach the store). */
  markDirty(beats: readonly Beat[]): void {
    for (const { tenant, id } of beats) this.dirty.set(keyOf(tenant, id), { tenant, id });
  }

  start(): void {
    this.running = true;
    this.armEarliest();
  }

  stop(): void {
    this.running = false;
    this.armedAt = undefined;
    this.options.scheduler.disarm();
  }

  private write(prev: SessionRecord | undefined, s: Step): void {
    const next = s.record;
    if (next === prev) return;
    if (prev !== undefined) this.counts[stateOf(prev)]--;
    if (next === undefined) {
      if (prev !== undefined) {
        this.store.delete(prev.tenant, prev.id);
        this.dirty.delete(keyOf(prev.tenant, prev.id));
      }
      return;
    }
    this.counts[stateOf(next)]++;
    const at = deadlineOf(next, this.options.rules);
    this.store.set(next, at);
    if (at !== undefined && this.running && (this.armedAt === undefined || at < this.armedAt)) {
      this.arm(at);
    }
  }

  private emit(transitions: readonly MonitorTransition[]): void {
    for (const t of transitions) this.options.hooks.transition(t);
  }

  private arm(at: Millis): void {
    this.armedAt = at;
    this.options.scheduler.arm(at, this.wake);
  }

  private armEarliest(): void {
    const at = this.store.earliestDeadline();
    if (at === undefined || !this.running) {
      this.armedAt = undefined;
      this.options.scheduler.disarm();
    } else this.arm(at);
  }

  private readonly wake = (): void => {
    this.armedAt = undefined;
    if (!this.running) return;
    const now = this.options.clock.now();
    for (let budget = MAX_DUE_PER_WAKE; budget > 0; budget--) {
      const at = this.store.earliestDeadline();
      const record = this.store.earliest();
      if (at === undefined || at > now || record === undefined) break;
      this.apply(record.tenant, record.id, DUE);
    }
    this.armEarliest();
  };
}
