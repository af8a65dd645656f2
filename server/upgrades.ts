import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AgentEndpoint } from './edges.js';
import type { UpgradeAdmission } from './limits/upgrade-admission.js';

/** Where Socket.IO's engine listens; its own `upgrade` listener takes these. */
export const SOCKET_IO_PATH = '/socket.io/';
/** The agent WebSocket path of the contract. */
export const AGENT_PATH = '/v1/agent';

/**
 * Answers an upgrade with a plain HTTP error and closes the socket: the one refusal of
 * every upgrade path (the router's 404/429/503, the agent edge's 401/403, Engine.IO's 429).
 * The socket is destroyed once the answer is flushed, or on an error: a peer that never
 * closes its side must not hold a descriptor.
 */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.once('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      extra +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A request URL's path, without its query string: what may be logged (tokens ride there). */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q < 0 ? raw : raw.slice(0, q);
}

export interface UpgradeRouterOptions {
  readonly agents: AgentEndpoint;
  /** True once shutdown began: every upgrade gets 503. */
  readonly closing: () => boolean;
  /**
   * True when the server had `upgrade` listeners of its own before the gateway attached:
   * unknown paths are theirs, not ours to refuse.
   */
  readonly foreign: boolean;
  /** Per-IP rate of new agent connections: past it, 429 with `Retry-After`. */
  readonly admission?: UpgradeAdmission;
}

/**
 * Routes WebSocket upgrades: `/v1/agent` to the agent endpoint, Socket.IO's path to
 * engine.io (which attaches its own listener), anything else 404. During shutdown every
 * upgrade is refused with 503 before any edge sees it.
 */
export function createUpgradeRouter(options: UpgradeRouterOptions) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = pathOf(req.url);
    const ours = path === AGENT_PATH || path.startsWith(SOCKET_IO_PATH);
    // The application's own upgrade paths stay the application's, even while we close.
    if (!ours && options.foreign) return;
    if (options.closing()) {
      refuseUpgrade(socket, 503, 'unavailable', 'the gateway is shutting down');
      return;
    }
    if (path === AGENT_PATH) {
      // Before the token is verified: a flood costs a map lookup, not a signature check.
      const wait = options.admission?.admit(req) ?? 0;
      if (wait > 0) {
        refuseUpgrade(socket, 429, 'rate_limited', 'too many connections from this address', {
          'Retry-After': String(wait),
        });
        return;
      }
      options.agents.handleUpgrade(req, socket, head);
      return;
    }
    if (ours) return;
    refuseUpgrade(socket, 404, 'not_found', 'no such route');
  };
}
