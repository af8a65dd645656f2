/**
 * WebSocket close codes of the agent endpoint (`/v1/agent`), as the contract names them.
 *
 * @example
 * ```ts
 * if (event.code === CloseCode.Replaced) stopReconnecting();
 * ```
 */
export const CloseCode = {
  /** After `bye`: the session was unregistered by its agent. */
  Normal: 1000,
  /** The gateway is shutting down; reconnect with jitter. */
  GoingAway: 1001,
  /** A binary frame on the text protocol. */
  UnsupportedData: 1003,
  /** Too many refused frames in the refusal window. */
  PolicyViolation: 1008,
  /** A frame over the size limit. */
  MessageTooBig: 1009,
  /** The token expired without a refresh, or a refresh was refused. */
  TokenExpired: 4001,
  /** The per-connection rate limit was exceeded. */
  RateLimited: 4008,
  /** A newer connection for the same session replaced this one. */
  Replaced: 4009,
  /** The session timed out. */
  TimedOut: 4010,
  /** A dashboard or the HTTP API unregistered the session. */
  Unregistered: 4011,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which an SDK must not reconnect. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set<number>([
  CloseCode.Normal,
  CloseCode.Replaced,
  CloseCode.Unregistered,
]);
