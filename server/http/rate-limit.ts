import { PulsegateError } from '../../shared/errors.js';
import type { Clock } from '../monitor/types.js';

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiterOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Most callers tracked at once; the least recently seen is forgotten first. */
  readonly maxKeys: number;
  readonly clock: Clock;
}

/**
 * A token bucket per caller (tenant and subject) for the HTTP API. The map is bounded: a
 * forgotten caller starts again with a full bucket, which errs on the side of serving.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Takes one token for `key`, or throws `rate_limited` (429). */
  take(key: string): void {
    const { ratePerSecond, burst, maxKeys, clock } = this.options;
    const now = clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= maxKeys) {
        const oldest = this.buckets.keys().next();
        if (oldest.done !== true) this.buckets.delete(oldest.value);
      }
      bucket = { tokens: burst, at: now };
    } else {
      // Re-inserted below, so Map order stays least-recently-seen first.
      this.buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) throw new PulsegateError('rate_limited', 'too many requests');
    bucket.tokens -= 1;
  }

  get size(): number {
    return this.buckets.size;
  }
}
