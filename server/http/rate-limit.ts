import { PulsegateError } from '../../shared/errors.js';
import { UpgradeAdmission } from '../limits/upgrade-admission.js';
import type { Clock } from '../monitor/types.js';

export interface RateLimiterOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Most callers tracked at once; the least recently seen is forgotten first. */
  readonly maxKeys: number;
  readonly clock: Clock;
}

/**
 * A token bucket per caller (tenant and subject) for the HTTP API. The buckets are the
 * per-IP connection rate's bounded map, keyed by caller instead of by address: one
 * implementation of keyed, bounded token buckets. A forgotten caller starts again with a
 * full bucket, which errs on the side of serving.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ ratePerSecond: 50, burst: 100, maxKeys: 10_000, clock });
 * limiter.take(`${tenant}\u0000${subject}`); // throws rate_limited (429) past the rate
 * ```
 */
export class RateLimiter {
  private readonly buckets: UpgradeAdmission;

  constructor(options: RateLimiterOptions) {
    this.buckets = new UpgradeAdmission(options);
  }

  /** Takes one token for `key`, or throws `rate_limited` (429). */
  take(key: string): void {
    if (this.buckets.admitIp(key) > 0)
      throw new PulsegateError('rate_limited', 'too many requests');
  }

  get size(): number {
    return this.buckets.size;
  }
}
