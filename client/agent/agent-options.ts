import type { TokenSource } from '../token.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { agentEndpointUrl } from './transport.js';

/** Options of every agent client, in Node and in the browser. */
export interface AgentClientOptions {
  /** The gateway, e.g. `ws://127.0.0.1:7070` (`/v1/agent` is appended). */
  readonly url: string;
  /** A token, or a function giving a fresh one; only a function allows refresh. */
  readonly token: TokenSource;
  /** Reconnect after a drop (default true), optionally with other backoff bounds. */
  readonly reconnect?: boolean | Partial<BackoffOptions>;
  /** Random source of the backoff jitter, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /** Time allowed from opening a connection to its `welcome` (default 10,000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * Bound of `close()`, from its call (default 5,000 ms): opening a connection to say
   * `bye` on where needed, and the gateway's close after it.
   */
  readonly closeTimeoutMs?: number;
  /** Refresh a token this long before its `exp` (default 30,000 ms). */
  readonly refreshMarginMs?: number;
}

/** The options with their defaults filled in, normalised once. */
export interface ResolvedAgentOptions {
  readonly url: string;
  readonly token: TokenSource;
  /** `undefined`: no reconnects. */
  readonly backoff: BackoffOptions | undefined;
  readonly random: () => number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly refreshMarginMs: number;
}

export const AGENT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
  refreshMarginMs: 30_000,
} as const;

export function resolveAgentOptions(options: AgentClientOptions): ResolvedAgentOptions {
  const reconnect = options.reconnect ?? true;
  return {
    url: agentEndpointUrl(options.url).toString(),
    token: options.token,
    backoff:
      reconnect === false
        ? undefined
        : { ...DEFAULT_BACKOFF, ...(reconnect === true ? {} : reconnect) },
    random: options.random ?? Math.random,
    connectTimeoutMs: options.connectTimeoutMs ?? AGENT_DEFAULTS.connectTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? AGENT_DEFAULTS.closeTimeoutMs,
    refreshMarginMs: options.refreshMarginMs ?? AGENT_DEFAULTS.refreshMarginMs,
  };
}
