import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { AgentEndpoint, DashboardHub } from './edges.js';

/** The whole shutdown must end within this, whatever the peers do. */
const SHUTDOWN_BUDGET_MS = 9_000;
/** Keep-alive HTTP connections get this long to finish before they are cut. */
const HTTP_GRACE_MS = 1_000;

export interface ShutdownParts {
  readonly log: Logger;
  readonly server: HttpServer;
  /** Close the server too (not when attached to an application's server). */
  readonly ownsServer: boolean;
  readonly spreadMs: number;
  /** Readiness false, 503 for newcomers. */
  readonly begin: () => void;
  readonly agents: AgentEndpoint;
  readonly hub: DashboardHub;
  /** Stops the core once no edge needs it. */
  readonly end: () => void;
}

function closeServer(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), HTTP_GRACE_MS);
    const done = () => {
      clearTimeout(cut);
      resolve();
    };
    if (!server.listening) {
      server.closeAllConnections();
      done();
      return;
    }
    server.close(() => done());
    server.closeIdleConnections();
  });
}

function withBudget(work: Promise<void>, ms: number, onLate: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve();
    }, ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The graceful shutdown, in contract order: readiness false and 503 to new requests and
 * upgrades; agents closed with 1001 spread over `spreadMs`; dashboards told to reconnect;
 * the server closed. Idempotent: every call returns the same promise.
 */
export function createShutdown(parts: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    const { log, agents, hub, server } = parts;
    parts.begin();
    log.info({ agents: agents.size, dashboards: hub.size }, 'shutting down');
    await agents.shutdown(parts.spreadMs);
    await hub.shutdown();
    parts.end();
    if (parts.ownsServer) await closeServer(server);
    log.info('closed');
  };
  return () => {
    closing ??= withBudget(run(), SHUTDOWN_BUDGET_MS, () => {
      parts.log.warn('shutdown took too long: cutting every connection');
      if (parts.ownsServer) parts.server.closeAllConnections();
    });
    return closing;
  };
}
