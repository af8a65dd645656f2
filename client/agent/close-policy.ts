import { CloseCode, FINAL_CLOSE_CODES } from '../../shared/close-codes.js';

/** What the agent client knows when a connection (or an attempt) ends. */
export interface CloseFacts {
  readonly code: number;
  /** The HTTP status of a refused upgrade, when the runtime reveals it. */
  readonly refusedStatus: number | undefined;
  /** True when the token comes from a function that can give a fresh one. */
  readonly renewableToken: boolean;
}

export type CloseDecision = { readonly reconnect: true } | { readonly reconnect: false };

/**
 * Whether to reconnect after a connection of an established client ends. Never after
 * `bye` (1000), 4009 (replaced: another connection owns the session) or 4011
 * (unregistered); after 4001 or a 401 only with a renewable token; never after a 403,
 * which no retry can fix. Everything else (1001 shutdown, 1006 drops, 4010 timeout,
 * rate limits) is retried with backoff.
 *
 * @example
 * ```ts
 * closeDecision({ code: 4009, refusedStatus: undefined, renewableToken: true }); // { reconnect: false }
 * ```
 */
export function closeDecision(facts: CloseFacts): CloseDecision {
  if (FINAL_CLOSE_CODES.has(facts.code)) return { reconnect: false };
  if (facts.refusedStatus === 403) return { reconnect: false };
  const tokenRefused = facts.code === CloseCode.TokenExpired || facts.refusedStatus === 401;
  if (tokenRefused && !facts.renewableToken) return { reconnect: false };
  return { reconnect: true };
}
