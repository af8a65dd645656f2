/** Bounds of the reconnect delay. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in ms (default 500). */
  readonly minMs: number;
  /** Largest ceiling, in ms (default 30,000). */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 30_000 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): exponential
 * backoff with full jitter. The ceiling doubles from `minMs` up to `maxMs`, and the delay
 * is drawn uniformly below it, so that agents dropped together (a gateway restart) do
 * not come back together. Pure: the random source is passed in.
 *
 * @example
 * ```ts
 * backoffDelay(0, () => 0.5); // 250
 * backoffDelay(10, () => 0.5); // 15000
 * ```
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const step = Math.max(0, Math.floor(attempt));
  // 2 ** 60 is finite; capping the exponent keeps the product finite for any attempt.
  const ceiling = Math.min(options.maxMs, options.minMs * 2 ** Math.min(step, 60));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}
