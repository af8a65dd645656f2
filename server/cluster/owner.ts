import type { LossReason } from '../context.js';
import { copyRecord, stateOf, type SessionRecord } from '../monitor/record.js';
import {
  deadlineOf,
  step,
  type MonitorEvent,
  type RuleSettings,
  type Step,
} from '../monitor/rules.js';
import { ReadAhead } from '../monitor/read-ahead.js';
import { MemoryStore } from '../monitor/store.js';
import type { Clock, LiveState, Millis, MonitorTransition, Scheduler } from '../monitor/types.js';
import { encodeTransitionTail } from './codec.js';
import type { Held } from './stored.js';
import type { PumpHooks } from './pump.js';
import type { Beat, SharedSession } from './store.js';

export type { LossReason } from '../context.js';

const DUE: MonitorEvent = Object.freeze({ type: 'due' });
const DISCONNECT: MonitorEvent = Object.freeze({ type: 'disconnect' });
/** Deadlines handled per wake-up before yielding to the event loop. */
const MAX_DUE_PER_WAKE = 1000;

/** Where the owner sends what must reach the shared store, in order (the pump). */
export interface OpSink {
  /** Queues a claim; returns its operation number. */
  claim(held: Held, expected: number, transitions: readonly string[]): number;
  commit(
    tenant: string,
    id: string,
    held: Held | undefined,
    transitions: readonly string[],
  ): number;
}

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

/**
 * The sessions this node owns, timed locally with exact deadlines by the same pure rules
 * as the single-node monitor (`step`). Every transition it decides is delivered locally at
 * once and queued for the shared store, where the commit script accepts it only while this
 * node still owns the session. Beats without a transition only mark the session dirty:
 * the pump flushes them in batches.
 */
export class OwnedSessions {
  private readonly store = new MemoryStore();
  private readonly readAhead = new ReadAhead(this.store);
  /** The store's own entries (stable until the session goes): a beat allocates nothing here. */
  private readonly dirty = new Set<Held>();
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

  /** An owned session, as a snapshot (the store's entries change in place). */
  get(tenant: string, id: string): Held | undefined {
    const held = this.store.get(tenant, id);
    return held === undefined
      ? undefined
      : { record: copyRecord(held.record), lastBeat: held.lastBeat };
  }

  *sessions(tenant?: string): IterableIterator<Held> {
    yield* this.store.sessions(tenant);
  }

  /** Applies an event to an owned session; `undefined` when this node does not own it. */
  apply(tenant: string, id: string, event: MonitorEvent): Step | undefined {
    const held = this.store.get(tenant, id);
    if (held === undefined) return undefined;
    const { record, lastBeat } = held;
    // Read before the write: the store writes the new record into the same object.
    const missedBefore = record.missedBeats;
    const s = step(record, lastBeat, event, this.options.clock.now(), this.options.rules);
    this.write(tenant, id, s.record, s.lastBeat);
    // A flush carries only L and the status text: a change of anything else is committed,
    // with or without transitions (a beat while paused resets the count and emits nothing).
    // A record with transitions is always a new one (the rules never emit without a
    // change), so what is committed is not the store's object.
    const recordChanged =
      s.record !== undefined && s.record !== record && s.record.missedBeats !== missedBefore;
    if (s.transitions.length > 0 || recordChanged) {
      const after = s.record === undefined ? undefined : { record: s.record, lastBeat: s.lastBeat };
      this.options.sink.commit(tenant, id, after, s.transitions.map(encodeTransitionTail));
    } else if (s.record !== undefined && (s.record !== record || s.lastBeat !== lastBeat)) {
      // The entry `get` returned is the one the store updated in place.
      this.dirty.add(held);
    }
    this.emit(s.transitions);
    return s;
  }

  /**
   * Takes a session: decides `event` on `base` (what this node believes is stored, with its
   * version; -1: "owned here"), installs the result and queues the claim. A claim refused
   * as stale is decided again on the stored session (`stale`).
   */
  claim(
    tenant: string,
    id: string,
    event: MonitorEvent,
    base: (Held & { version: number }) | undefined,
  ): Step {
    const now = this.options.clock.now();
    const s = step(base?.record, base?.lastBeat ?? now, event, now, this.options.rules);
    this.write(tenant, id, s.record, s.lastBeat);
    if (s.record !== undefined) {
      const held = { record: s.record, lastBeat: s.lastBeat };
      const transitions = s.transitions.map(encodeTransitionTail);
      const op = this.options.sink.claim(held, base?.version ?? 0, transitions);
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

  /**
   * The answer to claim `op`: stale (the session changed since the decision). Decided again
   * on `current`, as the stored session is now, and claimed again. Beats seen here since
   * the first decision still count; the transitions already delivered here are not
   * delivered twice (docs/cluster.md, "Races").
   */
  stale(op: number, current: SharedSession | undefined): void {
    const claim = this.pending.get(op);
    this.pending.delete(op);
    if (claim === undefined) return;
    const { tenant, id } = claim;
    const key = keyOf(tenant, id);
    if (this.claims.get(key) !== op) return;
    const base = current?.record;
    const s = step(base, current?.lastBeat ?? claim.at, claim.event, claim.at, this.options.rules);
    const mine = this.store.get(tenant, id)?.lastBeat ?? 0;
    const lastBeat = Math.max(mine, s.lastBeat);
    this.write(tenant, id, s.record, lastBeat);
    if (s.record === undefined) {
      this.claims.delete(key);
      return;
    }
    const transitions = s.transitions.map(encodeTransitionTail);
    const held = { record: s.record, lastBeat };
    const again = this.options.sink.claim(held, current?.version ?? 0, transitions);
    this.claims.set(key, again);
    this.pending.set(again, claim);
  }

  /**
   * A commit of this session was fenced: another node owns it. Ignored when a later claim
   * of this node is still waiting (that claim decides).
   */
  fenced(tenant: string, id: string, op: number, reason: LossReason): void {
    const latest = this.claims.get(keyOf(tenant, id));
    if (latest !== undefined && latest > op) return;
    this.drop(tenant, id, reason);
  }

  /** Stops owning a session without a transition (another node has it now). */
  drop(tenant: string, id: string, reason: LossReason): void {
    if (this.store.get(tenant, id) === undefined) return;
    this.write(tenant, id, undefined, 0);
    this.claims.delete(keyOf(tenant, id));
    this.options.hooks.lost(tenant, id, reason);
  }

  /** Sessions this node reaped from a dead node: a connected one is disconnected now. */
  adopt(sessions: readonly SharedSession[]): void {
    const now = this.options.clock.now();
    for (const s of sessions) {
      const { tenant, id } = s.record;
      if (this.store.get(tenant, id) !== undefined) continue;
      this.write(tenant, id, s.record, s.lastBeat);
      // Deadlines already passed fire first, at their nominal times; then the socket that
      // died with its node is reported.
      for (let h = this.store.get(tenant, id); h !== undefined; h = this.store.get(tenant, id)) {
        const at = deadlineOf(h.record, h.lastBeat, this.options.rules);
        if (at === undefined || at > now) break;
        this.apply(tenant, id, DUE);
      }
      if (this.store.get(tenant, id)?.record.connected === true) this.apply(tenant, id, DISCONNECT);
    }
    if (this.running) this.armEarliest();
  }

  /** The dirty sessions' beats, taken for a flush. */
  takeDirty(): Beat[] {
    const out: Beat[] = [];
    for (const h of this.dirty) {
      const { tenant, id, status } = h.record;
      out.push({ tenant, id, lastBeat: h.lastBeat, status });
    }
    this.dirty.clear();
    return out;
  }

  /** Marks sessions dirty again (their flush did not reach the store). */
  markDirty(beats: readonly Beat[]): void {
    for (const { tenant, id } of beats) {
      const held = this.store.get(tenant, id);
      if (held !== undefined) this.dirty.add(held);
    }
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

  private write(
    tenant: string,
    id: string,
    next: SessionRecord | undefined,
    lastBeat: Millis,
  ): void {
    const held = this.store.get(tenant, id);
    const prev = held?.record;
    if (prev !== next) {
      if (prev !== undefined) this.counts[stateOf(prev)]--;
      if (next !== undefined) this.counts[stateOf(next)]++;
    }
    if (next === undefined) {
      if (held !== undefined) {
        this.store.delete(tenant, id);
        this.dirty.delete(held);
      }
      return;
    }
    const at = deadlineOf(next, lastBeat, this.options.rules);
    this.store.set(held, next, lastBeat, at);
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

  /** What the scheduler calls: one arrow per owner, the work in a method (see the monitor's). */
  private readonly wake = (): void => this.wakeUp();

  private wakeUp(): void {
    this.armedAt = undefined;
    if (!this.running) return;
    const now = this.options.clock.now();
    for (let budget = MAX_DUE_PER_WAKE; budget > 0; budget--) {
      const at = this.store.earliestDeadline();
      if (at === undefined || at > now) break;
      this.readAhead.next(now);
      const held = this.store.earliest();
      if (held === undefined) break;
      const { tenant, id } = held.record;
      this.apply(tenant, id, DUE);
    }
    this.armEarliest();
  }
}

/**
 * The pump's hooks that report back to `owned`: claims settled or found stale, commits
 * fenced (the session was reaped, or claimed by another node), beats to flush again, and
 * claims dropped while Redis was away (the owner carries on with them as claimed).
 */
export function ownerPumpHooks(owned: OwnedSessions): PumpHooks {
  return {
    result(op, result) {
      if (op.kind === 'claim') {
        if (result.status === 'stale') owned.stale(op.op, result.current);
        else owned.claimed(op.op);
      } else if (op.kind === 'commit' && result.status === 'fenced') {
        owned.fenced(op.tenant, op.id, op.op, result.reaped ? 'fenced' : 'replaced');
      }
    },
    unflushed: (beats) => owned.markDirty(beats),
    dirty: () => owned.takeDirty(),
    dropped: (op) => {
      if (op.kind === 'claim') owned.claimed(op.op);
    },
  };
}
