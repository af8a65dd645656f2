import { DEFAULT_TENANT } from '../../shared/limits.js';
import type { Actor, Policy, SessionStatus } from '../../shared/session.js';
import { toStatus } from '../monitor/record.js';
import type { Held } from './stored.js';
import { step, type MonitorEvent, type RuleSettings } from '../monitor/rules.js';
import type {
  Clock,
  ConnectResult,
  LiveState,
  Monitor,
  TenantOption,
  TransitionListener,
} from '../monitor/types.js';
import type { SessionMirror } from './mirror.js';
import type { OwnedSessions } from './owner.js';

/** A command for a session owned by another node, sent to that node's inbox. */
export type Forwarded =
  | { readonly cmd: 'beat'; readonly status?: string | undefined }
  | { readonly cmd: 'pause'; readonly by: Actor; readonly reason?: string | undefined }
  | { readonly cmd: 'resume'; readonly by: Actor }
  | { readonly cmd: 'unregister'; readonly by?: Actor | undefined };

export interface ClusterMonitorDeps {
  readonly owned: OwnedSessions;
  readonly mirror: SessionMirror;
  readonly clock: Clock;
  readonly rules: RuleSettings;
  readonly policyFor: (agentType: string) => Policy;
  /**
   * Sends a command to the session's owner; when nobody owns or hears it (the owner died
   * and was not reaped yet), `orphan` is called and this node claims the session.
   */
  readonly forward: (tenant: string, id: string, command: Forwarded, orphan: () => void) => void;
  /** Subscribes to this node's own transitions (the owner's hook fans out here). */
  readonly subscribe: (listener: TransitionListener) => () => void;
}

function eventOf(command: Forwarded): MonitorEvent {
  switch (command.cmd) {
    case 'beat':
      return { type: 'beat', status: command.status };
    case 'pause':
      return { type: 'pause', by: command.by, reason: command.reason };
    case 'resume':
      return { type: 'resume', by: command.by };
    case 'unregister':
      return { type: 'unregister', by: command.by };
  }
}

/**
 * The `Monitor` the edges use in cluster mode. Sessions this node owns are decided here,
 * synchronously, like on a single node; reads of the others come from the read replica;
 * commands for them go to their owner (or, when the owner is gone, make this node the
 * owner). So the edges stay synchronous and unchanged.
 */
export class ClusterMonitor implements Monitor {
  constructor(private readonly deps: ClusterMonitorDeps) {}

  policyFor(agentType: string): Policy {
    return this.deps.policyFor(agentType);
  }

  register(
    sessionId: string,
    agentType: string,
    options?: TenantOption & { status?: string },
  ): boolean {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const event: MonitorEvent = {
      type: 'register',
      id: sessionId,
      tenant,
      agentType,
      policy: this.policyFor(agentType),
      status: options?.status,
    };
    const local = this.deps.owned.apply(tenant, sessionId, event);
    if (local !== undefined) return local.accepted;
    const known = this.deps.mirror.get(tenant, sessionId);
    if (known === undefined)
      return this.deps.owned.claim(tenant, sessionId, event, undefined).accepted;
    this.remote(tenant, sessionId, { cmd: 'beat', status: options?.status }, event, known);
    return false;
  }

  connect(sessionId: string, agentType: string, options?: TenantOption): ConnectResult {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const policy = this.policyFor(agentType);
    const event: MonitorEvent = { type: 'connect', id: sessionId, tenant, agentType, policy };
    // A connection always claims, even of a session owned here: the newest one wins.
    const local = this.deps.owned.get(tenant, sessionId);
    const base = this.deps.mirror.get(tenant, sessionId);
    const resumed = local !== undefined || base !== undefined;
    const decided = local !== undefined ? { ...local, version: -1 } : base;
    this.deps.owned.claim(tenant, sessionId, event, decided);
    return { resumed, policy };
  }

  disconnect(sessionId: string, options?: TenantOption): boolean {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    return this.deps.owned.apply(tenant, sessionId, { type: 'disconnect' })?.accepted ?? false;
  }

  beat(sessionId: string, options?: TenantOption & { status?: string }): boolean {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const event: MonitorEvent = { type: 'beat', status: options?.status };
    return this.deps.owned.apply(tenant, sessionId, event)?.accepted ?? false;
  }

  pause(sessionId: string, options: TenantOption & { by: Actor; reason?: string }): boolean {
    return this.command(options.tenant, sessionId, {
      cmd: 'pause',
      by: options.by,
      reason: options.reason,
    });
  }

  resume(sessionId: string, options: TenantOption & { by: Actor }): boolean {
    return this.command(options.tenant, sessionId, { cmd: 'resume', by: options.by });
  }

  unregister(sessionId: string, options?: TenantOption & { by?: Actor }): boolean {
    return this.command(options?.tenant, sessionId, { cmd: 'unregister', by: options?.by });
  }

  getStatus(sessionId: string, options?: TenantOption): SessionStatus | undefined {
    const tenant = options?.tenant ?? DEFAULT_TENANT;
    const held = this.deps.owned.get(tenant, sessionId) ?? this.deps.mirror.get(tenant, sessionId);
    return held === undefined
      ? undefined
      : toStatus(held.record, held.lastBeat, this.deps.clock.now());
  }

  listStatus(options?: TenantOption): SessionStatus[] {
    const now = this.deps.clock.now();
    const { owned, mirror } = this.deps;
    const out: SessionStatus[] = [];
    for (const m of mirror.sessions(options?.tenant)) {
      const h = owned.get(m.record.tenant, m.record.id) ?? m;
      out.push(toStatus(h.record, h.lastBeat, now));
    }
    // Sessions registered here whose first commit has not come back through the stream yet.
    for (const h of owned.sessions(options?.tenant)) {
      const { tenant, id } = h.record;
      if (mirror.get(tenant, id) === undefined) out.push(toStatus(h.record, h.lastBeat, now));
    }
    return out;
  }

  /** Sessions this node owns (the gauge each node exports; their sum is the deployment). */
  get registeredCount(): number {
    return this.deps.owned.size;
  }

  get healthyCount(): number {
    const c = this.deps.owned.countByState();
    return c.healthy + c.paused;
  }

  countByState(): Readonly<Record<LiveState, number>> {
    return this.deps.owned.countByState();
  }

  subscribe(listener: TransitionListener): () => void {
    return this.deps.subscribe(listener);
  }

  start(): void {
    this.deps.owned.start();
  }

  stop(): void {
    this.deps.owned.stop();
  }

  /** A command from another node's inbox, for a session this node (still) owns. */
  receive(tenant: string, id: string, command: Forwarded): void {
    this.deps.owned.apply(tenant, id, eventOf(command));
  }

  private command(tenantOption: string | undefined, id: string, command: Forwarded): boolean {
    const tenant = tenantOption ?? DEFAULT_TENANT;
    const event = eventOf(command);
    const local = this.deps.owned.apply(tenant, id, event);
    if (local !== undefined) return local.accepted;
    const known = this.deps.mirror.get(tenant, id);
    if (known === undefined) return false;
    return this.remote(tenant, id, command, event, known);
  }

  /** Predicts the owner's answer from the replica, shows it, and forwards the command. */
  private remote(
    tenant: string,
    id: string,
    command: Forwarded,
    event: MonitorEvent,
    known: Held & { version: number },
  ): boolean {
    const now = this.deps.clock.now();
    const predicted = step(known.record, known.lastBeat, event, now, this.deps.rules);
    if (predicted.accepted) {
      const after = predicted.record;
      this.deps.mirror.predict(
        after === undefined ? undefined : { record: after, lastBeat: predicted.lastBeat },
        tenant,
        id,
      );
    }
    this.deps.forward(tenant, id, command, () => {
      if (this.deps.owned.get(tenant, id) !== undefined) {
        this.deps.owned.apply(tenant, id, event);
        return;
      }
      this.deps.owned.claim(tenant, id, event, this.deps.mirror.get(tenant, id) ?? known);
    });
    return predicted.accepted;
  }
}
