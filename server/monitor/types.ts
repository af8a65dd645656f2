import type {
  Actor,
  Policy,
  SessionState,
  SessionStatus,
  TransitionKind,
} from '../../shared/session.js';

/** The states a live session can be in (`timed_out` and `gone` are final, not kept). */
export type LiveState = Extract<SessionState, 'healthy' | 'warning' | 'paused'>;

/** Milliseconds since the epoch, from an injected clock. */
export type Millis = number;

/** The time source of the core. */
export interface Clock {
  now(): Millis;
}

/**
 * The wake-up source of the core: it holds at most one wake-up, armed to the earliest
 * deadline. `arm` replaces any earlier wake-up; `disarm` removes it.
 */
export interface Scheduler {
  arm(at: Millis, wake: () => void): void;
  disarm(): void;
}

/** A transition as the core emits it: the event log stamps `seq` and formats `at`. */
export interface MonitorTransition {
  readonly kind: TransitionKind;
  /** Nominal time of the transition (the deadline for missed beats, `now` otherwise). */
  readonly at: Millis;
  readonly session: string;
  readonly tenant: string;
  readonly agentType: string;
  readonly state: SessionState;
  readonly missedBeats: number;
  /** The session's policy's maxMissedBeats, so edges can tell k < M without a lookup. */
  readonly maxMissedBeats: number;
  readonly by?: Actor;
  readonly reason?: string;
  readonly status?: string;
}

export type TransitionListener = (transition: MonitorTransition) => void;

/** Where a session lives: its tenant (default `default`). */
export interface TenantOption {
  readonly tenant?: string;
}

export interface ConnectResult {
  /** True when the session already existed (a reconnect). */
  readonly resumed: boolean;
  readonly policy: Policy;
}

/**
 * The public surface of the heartbeat monitor that the edges use. Every method is
 * synchronous and O(log n) at most; transitions are delivered to listeners synchronously,
 * in order, before the method returns.
 */
export interface Monitor {
  /** Registers a session (no connection). False when it already existed (then it is a beat). */
  register(
    sessionId: string,
    agentType: string,
    options?: TenantOption & { status?: string },
  ): boolean;
  /** An agent connection opened: `registered`, or `reconnected` (+ `recovered`). */
  connect(sessionId: string, agentType: string, options?: TenantOption): ConnectResult;
  /** An agent connection closed without `bye`: `disconnected` (+ `resumed` by gateway). */
  disconnect(sessionId: string, options?: TenantOption): boolean;
  /** A beat. False when the session is unknown. */
  beat(sessionId: string, options?: TenantOption & { status?: string }): boolean;
  pause(sessionId: string, options: TenantOption & { by: Actor; reason?: string }): boolean;
  /** False when the session is unknown or not paused. */
  resume(sessionId: string, options: TenantOption & { by: Actor }): boolean;
  unregister(sessionId: string, options?: TenantOption & { by?: Actor }): boolean;
  getStatus(sessionId: string, options?: TenantOption): SessionStatus | undefined;
  /** Every session of a tenant, or of all tenants when none is given. */
  listStatus(options?: TenantOption): SessionStatus[];
  /** The policy a session of this agent type gets. */
  policyFor(agentType: string): Policy;
  readonly registeredCount: number;
  /** Sessions with no missed beat (paused ones included), as the seed counts them. */
  readonly healthyCount: number;
  /** Live sessions by state, kept up to date per transition (no scan): the metrics gauge. */
  countByState(): Readonly<Record<LiveState, number>>;
  /** Subscribes to every transition; returns the unsubscribe function. */
  subscribe(listener: TransitionListener): () => void;
  start(): void;
  stop(): void;
}
