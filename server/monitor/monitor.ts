import { DEFAULT_TENANT } from '../../shared/limits.js';
import type { Actor, Policy, SessionStatus } from '../../shared/session.js';
import { systemClock } from './clock.js';
import {
  normalizeMonitorOptions,
  type MonitorErrorContext,
  type MonitorOptions,
  type MonitorSettings,
} from './options.js';
import { toStatus, type SessionRecord } from './record.js';
import { beat, due, step, type MonitorEvent, type RuleSettings, type Step } from './rules.js';
import { ReadAhead } from './read-ahead.js';
import { TimerScheduler } from './scheduler.js';
import { MemoryStore, type SessionStore, type StoredSession } from './store.js';
import type {
  Clock,
  ConnectResult,
  LiveState,
  Millis,
  Monitor,
  MonitorTransition,
  Scheduler,
  TenantOption,
  TransitionListener,
} from './types.js';

const DISCONNECT: MonitorEvent = Object.freeze({ type: 'disconnect' });
const ignoreErrors = (): void => {};

/**
 * The heartbeat monitor: turns beats, pauses and the passing of time into transitions, at
 * their exact deadlines. The rules are in `rules.ts`; this class keeps the sessions in a
 * store, keeps one wake-up armed to the earliest deadline, and delivers transitions.
 *
 * @example
 * ```ts
 * const monitor = new HeartbeatMonitor({ policy: { timeoutMs: 30_000 } });
 * monitor.subscribe((t) => console.log(t.kind, t.session));
 * monitor.start();
 * monitor.register('s1', 'planner'); // registered
 * monitor.beat('s1');
 * ```
 */
export class HeartbeatMonitor implements Monitor {
  private readonly settings: MonitorSettings;
  private readonly rules: RuleSettings;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly store: SessionStore;
  private readonly options: MonitorOptions;
  private listeners: readonly TransitionListener[] = [];
  private readonly counts: Record<LiveState, number> = { healthy: 0, warning: 0, paused: 0 };
  private zeroMissed = 0;
  private running = false;
  private waking = false;
  private armedAt: Millis | undefined;
  private readonly queue: MonitorTransition[] = [];
  private emitting = false;
  private readonly readAhead: ReadAhead;

  constructor(options: MonitorOptions = {}) {
    this.settings = normalizeMonitorOptions(options);
    this.rules = { maxPauseMs: this.settings.maxPauseMs };
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? new TimerScheduler(this.clock);
    this.store = options.store ?? new MemoryStore();
    this.readAhead = new ReadAhead(this.store);
  }

  get registeredCount(): number {
    return this.store.size;
  }

  get healthyCount(): number {
    return this.zeroMissed;
  }

  countByState(): Readonly<Record<LiveState, number>> {
    return { ...this.counts };
  }

  /** The rule settings in force (`maxPauseMs`), for edges that report them. */
  get maxPauseMs(): number {
    return this.settings.maxPauseMs;
  }

  policyFor(agentType: string): Policy {
    return this.settings.policies.get(agentType) ?? this.settings.policy;
  }

  register(
    sessionId: string,
    agentType: string,
    options?: TenantOption & { status?: string },
  ): boolean {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const policy = this.policyFor(agentType);
    const event: MonitorEvent = {
      type: 'register',
      id: sessionId,
      tenant,
      agentType,
      policy,
      status: options?.status,
    };
    return this.run(tenant, sessionId, event);
  }

  connect(sessionId: string, agentType: string, options?: TenantOption): ConnectResult {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const policy = this.policyFor(agentType);
    const existed = this.store.get(tenant, sessionId) !== undefined;
    this.run(tenant, sessionId, { type: 'connect', id: sessionId, tenant, agentType, policy });
    return { resumed: existed, policy };
  }

  disconnect(sessionId: string, options?: TenantOption): boolean {
    return this.run(options?.tenant ?? DEFAULT_TENANT, sessionId, DISCONNECT);
  }

  beat(sessionId: string, options?: TenantOption & { status?: string }): boolean {
    const held = this.store.get(options?.tenant ?? DEFAULT_TENANT, sessionId);
    if (held === undefined) return false;
    return this.apply(held, beat(held.record, this.clock.now(), options?.status, this.rules));
  }

  pause(sessionId: string, options: TenantOption & { by: Actor; reason?: string }): boolean {
    const event: MonitorEvent = { type: 'pause', by: options.by, reason: options.reason };
    return this.run(options.tenant ?? DEFAULT_TENANT, sessionId, event);
  }

  resume(sessionId: string, options: TenantOption & { by: Actor }): boolean {
    return this.run(options.tenant ?? DEFAULT_TENANT, sessionId, {
      type: 'resume',
      by: options.by,
    });
  }

  unregister(sessionId: string, options?: TenantOption & { by?: Actor }): boolean {
    const event: MonitorEvent = { type: 'unregister', by: options?.by };
    return this.run(options?.tenant ?? DEFAULT_TENANT, sessionId, event);
  }

  getStatus(sessionId: string, options?: TenantOption): SessionStatus | undefined {
    const held = this.store.get(options?.tenant ?? DEFAULT_TENANT, sessionId);
    return held === undefined ? undefined : toStatus(held.record, held.lastBeat, this.clock.now());
  }

  listStatus(options?: TenantOption): SessionStatus[] {
    const now = this.clock.now();
    const out: SessionStatus[] = [];
    for (const held of this.store.sessions(options?.tenant)) {
      out.push(toStatus(held.record, held.lastBeat, now));
    }
    return out;
  }

  subscribe(listener: TransitionListener): () => void {
    // Copy on write: a listener that (un)subscribes during delivery does not disturb it.
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.armEarliest();
  }

  stop(): void {
    this.running = false;
    this.armedAt = undefined;
    this.scheduler.disarm();
  }

  private run(tenant: string, id: string, event: MonitorEvent): boolean {
    const held = this.store.get(tenant, id);
    const now = this.clock.now();
    const result = step(held?.record, held?.lastBeat ?? now, event, now, this.rules);
    return this.apply(held, result);
  }

  /** Writes a step's result to the store, keeps the counts and the wake-up, and emits. */
  private apply(held: StoredSession | undefined, s: Step): boolean {
    const prev = held?.record;
    const next = s.record;
    if (next === undefined) {
      if (prev !== undefined) {
        this.count(prev, -1);
        this.store.delete(prev.tenant, prev.id);
      }
    } else {
      if (next !== prev) {
        if (prev !== undefined) this.count(prev, -1);
        this.count(next, 1);
      }
      this.store.set(held, next, s.lastBeat, s.deadline);
      const at = s.deadline;
      // Only an earlier deadline re-arms: a later one is found when the wake-up comes.
      if (at !== undefined && this.running && !this.waking) {
        if (this.armedAt === undefined || at < this.armedAt) this.arm(at);
      }
    }
    if (s.transitions.length > 0) this.emit(s.transitions);
    return s.accepted;
  }

  /** Adds `delta` to the counts of `record`'s state (a branch per state: no keyed access). */
  private count(record: SessionRecord, delta: number): void {
    const counts = this.counts;
    if (record.pause !== undefined) counts.paused += delta;
    else if (record.missedBeats > 0) counts.warning += delta;
    else counts.healthy += delta;
    if (record.missedBeats === 0) this.zeroMissed += delta;
  }

  private arm(at: Millis): void {
    this.armedAt = at;
    this.scheduler.arm(at, this.wake);
  }

  private armEarliest(): void {
    const at = this.store.earliestDeadline();
    if (at === undefined || !this.running) {
      this.armedAt = undefined;
      this.scheduler.disarm();
    } else {
      this.arm(at);
    }
  }

  /**
   * What the scheduler calls. Only this one-line arrow is made per monitor: V8 keeps the
   * optimized code of a closure with that closure, so a wake-up written as the arrow itself
   * was compiled again, and ran unoptimized meanwhile, for every new monitor (seen in the
   * bench: the first interval of each fresh monitor recompiled it).
   */
  private readonly wake = (): void => this.wakeUp();

  /** Handles every deadline due by now, earliest first, at most `maxDuePerWake` at once. */
  private wakeUp(): void {
    this.armedAt = undefined;
    if (!this.running) return;
    const now = this.clock.now();
    this.waking = true;
    try {
      const store = this.store;
      for (let budget = this.settings.maxDuePerWake; budget > 0; budget--) {
        const at = store.earliestDeadline();
        if (at === undefined || at > now || !this.running) break;
        this.readAhead.next(now);
        const held = store.earliest();
        if (held === undefined) break;
        this.apply(held, due(held.record, held.lastBeat, now, this.rules));
      }
    } finally {
      this.waking = false;
      this.armEarliest();
    }
  }

  /**
   * Delivers transitions to every listener in one global order: a listener that calls back
   * into the monitor has its transitions queued behind the current ones.
   */
  private emit(transitions: readonly MonitorTransition[]): void {
    if (this.emitting) {
      for (const t of transitions) this.queue.push(t);
      return;
    }
    // Not delivering yet: these go out directly, and whatever the listeners cause meanwhile
    // is queued behind them (the queue is touched only then).
    this.emitting = true;
    const queue = this.queue;
    try {
      for (let i = 0; i < transitions.length; i++) {
        this.deliver(transitions[i] as MonitorTransition);
      }
      for (let i = 0; i < queue.length; i++) this.deliver(queue[i] as MonitorTransition);
    } finally {
      if (queue.length > 0) queue.length = 0;
      this.emitting = false;
    }
  }

  private deliver(t: MonitorTransition): void {
    for (const listener of this.listeners) {
      try {
        listener(t);
      } catch (error) {
        this.report(error, { source: 'listener', transition: t });
      }
    }
    if (t.kind === 'warning' && this.options.onWarning !== undefined) {
      const hook = this.options.onWarning;
      this.guard(() => hook(t.session, t.missedBeats, t), { source: 'onWarning', transition: t });
    } else if (t.kind === 'timeout' && this.options.onTimeout !== undefined) {
      const hook = this.options.onTimeout;
      this.guard(() => hook(t.session, t.agentType, t), { source: 'onTimeout', transition: t });
    }
  }

  private guard(call: () => void | Promise<void>, context: MonitorErrorContext): void {
    try {
      const result = call();
      if (result !== undefined && typeof result.then === 'function') {
        result.then(undefined, (error: unknown) => this.report(error, context));
      }
    } catch (error) {
      this.report(error, context);
    }
  }

  private report(error: unknown, context: MonitorErrorContext): void {
    try {
      (this.options.onError ?? ignoreErrors)(error, context);
    } catch {
      // A failing reporter must not stop the monitor either.
    }
  }
}
