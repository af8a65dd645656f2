/**
 * The runtime seam of the agent client, kept as a small capability record (as Hono does
 * for its WebSocket adapters): the Node adapter (`ws`) and the browser adapter (native
 * `WebSocket`) are each a few dozen lines of glue, and everything else is shared.
 */

/** What one connection attempt reports back to the client. */
export interface ConnectionEvents {
  open(): void;
  message(text: string): void;
  /** A pong to one of our pings (Node only). */
  pong(): void;
  /** The connection closed (a failed attempt closes with 1006). */
  close(code: number, reason: string): void;
  /** The gateway refused the upgrade with this HTTP status (Node only: browsers hide it). */
  refused(status: number): void;
}

/** One open (or opening) connection. */
export interface Connection {
  send(text: string): void;
  /** Sends a WebSocket ping frame; only called when the transport `canPing`. */
  ping(): void;
  close(code: number, reason?: string): void;
  /** Drops the connection at once, without a closing handshake (a dead peer). */
  terminate(): void;
}

export interface Transport {
  /** True when the runtime can send ping frames and see pongs. */
  readonly canPing: boolean;
  /** True when a refused upgrade reports its HTTP status (`refused`). */
  readonly revealsStatus: boolean;
  /** Opens a connection to the agent endpoint `url` with `token`. */
  open(url: string, token: string, events: ConnectionEvents): Connection;
}

/**
 * The agent endpoint's URL: `/v1/agent` appended unless the URL already names it, and
 * an `http(s)` scheme turned into `ws(s)`.
 */
export function agentEndpointUrl(base: string): URL {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!url.pathname.endsWith('/v1/agent')) {
    url.pathname = url.pathname.replace(/\/$/, '') + '/v1/agent';
  }
  return url;
}
