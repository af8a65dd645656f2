/**
 * The clocks of cluster mode, each an option with a safe default. The bounds they give
 * are derived in docs/cluster.md ("Failure cases and their bounds").
 */
export interface ClusterTimings {
  /** Dirty beats are written to Redis this often (the only beat cost on Redis). */
  readonly flushMs: number;
  /** A node marks itself alive this often... */
  readonly aliveMs: number;
  /** ... and is dead once not marked for this long (Redis's clock). */
  readonly ttlMs: number;
  /** Survivors look for dead nodes this often (one script call: no session sweep). */
  readonly reapMs: number;
  /** After Redis comes back, nobody is judged dead for this long: everyone re-marks first. */
  readonly graceMs: number;
  /** Sessions claimed from a dead node per script call. */
  readonly reapBatch: number;
  /** Operations per pipeline. */
  readonly maxBatch: number;
  /** Operations kept while Redis is unreachable. */
  readonly maxQueue: number;
  /** `XREAD BLOCK` time. */
  readonly blockMs: number;
  /** Redis is sent a PING this often (one at a time) on the command connection... */
  readonly probeMs: number;
  /** ... and is unreachable once one goes unanswered this long (a frozen Redis). */
  readonly probeTimeoutMs: number;
}

export const DEFAULT_TIMINGS: ClusterTimings = {
  flushMs: 50,
  aliveMs: 500,
  ttlMs: 2_000,
  reapMs: 500,
  graceMs: 3_000,
  reapBatch: 500,
  maxBatch: 500,
  maxQueue: 100_000,
  blockMs: 1_000,
  probeMs: 1_000,
  probeTimeoutMs: 2_000,
};

/** The timings with every missing or invalid value replaced by its default. */
export function resolveTimings(partial: Partial<ClusterTimings> = {}): ClusterTimings {
  const out: ClusterTimings = { ...DEFAULT_TIMINGS, ...partial };
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_TIMINGS)) throw new RangeError(`unknown cluster timing ${key}`);
  }
  for (const [key, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`cluster timing ${key} must be a positive integer`);
  }
  // A reap judges nothing after a gap of over ttlMs / 2 between its caller's marks (a
  // stall, see the REAP script): marks must come more often than that, with room to spare.
  if (out.aliveMs * 2 >= out.ttlMs)
    throw new RangeError('cluster timing aliveMs must be less than half of ttlMs');
  return out;
}
