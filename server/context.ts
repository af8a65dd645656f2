import type { Logger } from 'pino';
import type { TokenVerifier } from './auth/principal.js';
import type { EventLog } from './edges.js';
import type { UpgradeAdmission } from './limits/upgrade-admission.js';
import type { Clock, Monitor } from './monitor/types.js';

/** Every resource limit of the edges, with its safe default in `DEFAULT_LIMITS`. */
export interface Limits {
  /** Largest agent frame, HTTP body and dashboard packet. */
  readonly maxPayloadBytes: number;
  /** Agent frames (pings included) per second, refilled continuously. */
  readonly ratePerSecond: number;
  /** Token-bucket burst. */
  readonly rateBurst: number;
  /** Refused frames allowed within `refusalWindowMs` before closing with 1008. */
  readonly maxRefusals: number;
  readonly refusalWindowMs: number;
  /** Time allowed for the upgrade or Socket.IO handshake to complete. */
  readonly handshakeTimeoutMs: number;
  /** Bytes queued to one dashboard before it is disconnected as too slow. */
  readonly dashboardBufferBytes: number;
  /** Bytes queued to one agent before it is disconnected as too slow. */
  readonly agentBufferBytes: number;
  /** Retained event log: at least this many events ... */
  readonly retainEvents: number;
  /** ... and at least this long. */
  readonly retainMs: number;
  /** Agents are closed with 1001 spread over this long on shutdown. */
  readonly shutdownSpreadMs: number;
  /** Largest HTTP header block, and most headers. */
  readonly maxHeaderBytes: number;
  readonly maxHeaders: number;
  /** New connections (agent upgrades, Socket.IO handshakes) per second per client IP ... */
  readonly upgradeRatePerIp: number;
  /** ... after a burst of this many; past it, 429 with `Retry-After`. */
  readonly upgradeBurstPerIp: number;
  /** HTTP API requests per second per caller (tenant and `sub`), refilled continuously ... */
  readonly httpRatePerSecond: number;
  /** ... after a burst of this many; past it, 429 with `Retry-After`. */
  readonly httpRateBurst: number;
  /** Dashboard commands per second per connection, refilled continuously ... */
  readonly dashboardRatePerSecond: number;
  /** ... after a burst of this many; past it, the ack is `rate_limited`. */
  readonly dashboardRateBurst: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxPayloadBytes: 16 * 1024,
  ratePerSecond: 50,
  rateBurst: 100,
  maxRefusals: 10,
  refusalWindowMs: 60_000,
  handshakeTimeoutMs: 10_000,
  dashboardBufferBytes: 4 * 1024 * 1024,
  agentBufferBytes: 1024 * 1024,
  retainEvents: 10_000,
  retainMs: 5 * 60_000,
  shutdownSpreadMs: 3_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 100,
  // One client address may open a whole process's worth of sockets (20,000 open files) at
  // once: a test rig or a NAT opens thousands from one address, and each socket is bounded
  // by its own limits anyway; what this stops is a reconnect storm without end.
  upgradeRatePerIp: 1_000,
  upgradeBurstPerIp: 20_000,
  httpRatePerSecond: 500,
  httpRateBurst: 1_000,
  dashboardRatePerSecond: 200,
  dashboardRateBurst: 1_000,
};

export type BeatVia = 'message' | 'ping' | 'http' | 'connect';
export type ConnectionKind = 'agent' | 'dashboard';

/** What the edges report to metrics; implemented over prom-client. */
export interface GatewayMetrics {
  beat(via: BeatVia): void;
  connectionOpened(kind: ConnectionKind): void;
  connectionClosed(kind: ConnectionKind): void;
}

/** Browser `Origin` policy: a request with no `Origin` is always allowed. */
export interface OriginPolicy {
  isAllowed(origin: string | undefined): boolean;
}

/** The capability record every edge receives: edges are glue over it. */
export interface GatewayContext {
  readonly monitor: Monitor;
  readonly verifier: TokenVerifier;
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  readonly limits: Limits;
  readonly origins: OriginPolicy;
  readonly clock: Clock;
  /** Per-IP rate of new connections; absent: not limited (edge tests, embedding). */
  readonly admission?: UpgradeAdmission;
  /** Cluster mode: the deployment's event log (absent: the dashboard hub keeps its own). */
  readonly events?: EventLog;
  /** Cluster mode: tells the agent edge when another node took a session from this one. */
  readonly ownership?: SessionOwnership;
}

/**
 * Why a session left this node in cluster mode: `replaced` by a newer connection on
 * another node (the agent's socket here closes with 4009), or `fenced`: a survivor took it
 * while this node was cut off from Redis (closed with 1001, so that the agent reconnects).
 */
export type LossReason = 'replaced' | 'fenced';

/** Cluster mode's notice that a session is owned by another node now. */
export interface SessionOwnership {
  /** Calls `listener` for each session taken away; returns the unsubscribe function. */
  onLoss(listener: (tenant: string, session: string, reason: LossReason) => void): () => void;
}
