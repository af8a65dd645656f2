import type { Actor, Policy, SessionState, SessionStatus } from '../../shared/session.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

/**
 * A reference model of PROTOCOL.md section 3 and the choices of docs/monitor.md, written
 * straight from the text and as naively as possible: per-session fields, and time that
 * advances one millisecond at a time, checking every session at every millisecond.
 */
interface ModelSession {
  id: string;
  tenant: string;
  agentType: string;
  policy: Policy;
  registeredAt: number;
  last: number;
  missed: number;
  connected: boolean;
  paused: { by: Actor; reason: string | undefined; since: number } | undefined;
  status: string | undefined;
}

// 256 characters (code points: `Array.from` splits a string by them), not UTF-16 units.
const clip = (s: string | undefined) =>
  s === undefined ? undefined : Array.from(s).slice(0, 256).join('');

export class ReferenceModel {
  now: number;
  readonly sessions = new Map<string, ModelSession>();
  readonly out: MonitorTransition[] = [];

  constructor(
    start: number,
    private readonly policyOf: (agentType: string) => Policy,
    private readonly maxPauseMs: number,
  ) {
    this.now = start;
  }

  private key(tenant: string, id: string): string {
    return `${tenant}\u0000${id}`;
  }

  private state(s: ModelSession): SessionState {
    if (s.paused) return 'paused';
    return s.missed > 0 ? 'warning' : 'healthy';
  }

  private emit(
    kind: MonitorTransition['kind'],
    s: ModelSession,
    state: SessionState,
    extra: { by?: Actor | undefined; reason?: string | undefined; at?: number } = {},
  ): void {
    const t: { -readonly [K in keyof MonitorTransition]: MonitorTransition[K] } = {
      kind,
      at: extra.at ?? this.now,
      session: s.id,
      tenant: s.tenant,
      agentType: s.agentType,
      state,
      missedBeats: s.missed,
      maxMissedBeats: s.policy.maxMissedBeats,
    };
    if (extra.by !== undefined) t.by = extra.by;
    if (extra.reason !== undefined) t.reason = extra.reason;
    if (s.status !== undefined) t.status = s.status;
    this.out.push(t);
  }

  private create(
    id: string,
    tenant: string,
    agentType: string,
    connected: boolean,
    status?: string,
  ) {
    const s: ModelSession = {
      id,
      tenant,
      agentType,
      policy: this.policyOf(agentType),
      registeredAt: this.now,
      last: this.now,
      missed: 0,
      connected,
      paused: undefined,
      status: clip(status),
    };
    this.sessions.set(this.key(tenant, id), s);
    this.emit('registered', s, 'healthy');
  }

  /** A beat: L = now, count 0; `recovered` from a warning; while paused, nothing emitted. */
  private beatOf(s: ModelSession, status: string | undefined): void {
    if (status !== undefined) s.status = clip(status);
    s.last = this.now;
    const wasWarning = !s.paused && s.missed > 0;
    s.missed = 0;
    if (wasWarning) this.emit('recovered', s, 'healthy');
  }

  register(id: string, tenant: string, agentType: string, status?: string): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (s) {
      this.beatOf(s, status);
      return false;
    }
    this.create(id, tenant, agentType, false, status);
    return true;
  }

  connect(id: string, tenant: string, agentType: string): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s) {
      this.create(id, tenant, agentType, true);
      return false;
    }
    s.agentType = agentType;
    s.policy = this.policyOf(agentType);
    s.connected = true;
    const wasWarning = !s.paused && s.missed > 0;
    s.last = this.now;
    s.missed = 0;
    this.emit('reconnected', s, this.state(s));
    if (wasWarning) this.emit('recovered', s, 'healthy');
    return true;
  }

  disconnect(id: string, tenant: string): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s || !s.connected) return false;
    s.connected = false;
    this.emit('disconnected', s, this.state(s));
    if (s.paused?.by === 'agent') {
      s.paused = undefined;
      s.last = this.now;
      s.missed = 0;
      this.emit('resumed', s, 'healthy', { by: 'gateway', reason: 'disconnected' });
    }
    return true;
  }

  beat(id: string, tenant: string, status?: string): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s) return false;
    this.beatOf(s, status);
    return true;
  }

  pause(id: string, tenant: string, by: Actor, reason?: string): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s) return false;
    const r = clip(reason);
    if (s.paused && s.paused.by === by && s.paused.reason === r) return true;
    // A dashboard's or the API's pause is not the agent's to take over.
    if (s.paused && s.paused.by !== 'agent' && by === 'agent') return true;
    s.paused = { by, reason: r, since: s.paused ? s.paused.since : this.now };
    this.emit('paused', s, 'paused', { by, reason: r });
    return true;
  }

  resume(id: string, tenant: string, by: Actor): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s || !s.paused) return false;
    s.paused = undefined;
    s.last = this.now;
    s.missed = 0;
    this.emit('resumed', s, 'healthy', { by });
    return true;
  }

  unregister(id: string, tenant: string, by?: Actor): boolean {
    const s = this.sessions.get(this.key(tenant, id));
    if (!s) return false;
    this.sessions.delete(this.key(tenant, id));
    this.emit('unregistered', s, 'gone', { by });
    return true;
  }

  /** Walks the clock to `target`, one millisecond at a time. */
  advanceTo(target: number): void {
    while (this.now < target) {
      this.now++;
      for (const [key, s] of [...this.sessions]) {
        if (s.paused) {
          if (this.maxPauseMs > 0 && this.now === s.paused.since + this.maxPauseMs) {
            s.paused = undefined;
            s.last = this.now;
            s.missed = 0;
            this.emit('resumed', s, 'healthy', { by: 'gateway', reason: 'max_pause' });
          }
          continue;
        }
        const { timeoutMs: T, checkIntervalMs: C, maxMissedBeats: M } = s.policy;
        if (this.now !== s.last + T + s.missed * C) continue;
        s.missed++;
        if (s.missed === 1) this.emit('warning', s, 'warning');
        else if (s.missed < M) this.emit('missed', s, 'warning');
        if (s.missed === M) {
          this.emit('timeout', s, 'timed_out');
          this.sessions.delete(key);
        }
      }
    }
  }

  statuses(): SessionStatus[] {
    return [...this.sessions.values()].map((s) => {
      const status: SessionStatus = {
        session: s.id,
        agentType: s.agentType,
        tenant: s.tenant,
        state: this.state(s),
        connected: s.connected,
        paused: s.paused !== undefined,
        healthy: s.missed === 0,
        missedBeats: s.missed,
        maxMissedBeats: s.policy.maxMissedBeats,
        lastBeat: new Date(s.last).toISOString(),
        msSinceBeat: this.now - s.last,
        registeredAt: new Date(s.registeredAt).toISOString(),
      };
      if (s.paused) {
        status.pausedBy = s.paused.by;
        if (s.paused.reason !== undefined) status.pauseReason = s.paused.reason;
      }
      if (s.status !== undefined) status.status = s.status;
      return status;
    });
  }
}
