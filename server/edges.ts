import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Transition } from '../shared/session.js';
import type { GatewayContext } from './context.js';

/**
 * The event log: stamps each monitor transition with the deployment's `seq`, keeps a
 * bounded tail for `since` recovery, and hands every transition, encoded once, to its
 * subscribers.
 */
export interface EventLog {
  /** The latest `seq` stamped (0 before the first). */
  readonly seq: number;
  /** Transitions after `seq`, in order, or `undefined` when some are no longer retained. */
  since(seq: number): Transition[] | undefined;
  /** `encoded` is `JSON.stringify(transition)`, computed once for all subscribers. */
  subscribe(listener: (transition: Transition, encoded: string) => void): () => void;
}

/** The agent WebSocket edge (`/v1/agent`). */
export interface AgentEndpoint {
  /** Authenticates an upgrade to `/v1/agent`, then accepts it or refuses it (401/403). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open agent connections. */
  readonly size: number;
  /** Closes every agent with 1001, spread over `spreadMs` so they do not reconnect at once. */
  shutdown(spreadMs: number): Promise<void>;
}

/** The Socket.IO dashboard edge (namespace `/dashboard`). */
export interface DashboardHub {
  readonly events: EventLog;
  /** Connected dashboards. */
  readonly size: number;
  /** Disconnects every dashboard so that it reconnects elsewhere, and closes Socket.IO. */
  shutdown(): Promise<void>;
}

export type CreateAgentEndpoint = (ctx: GatewayContext) => AgentEndpoint;
/** Must be called after the HTTP server's request listener is set (engine.io wraps it). */
export type AttachDashboards = (server: HttpServer, ctx: GatewayContext) => DashboardHub;
