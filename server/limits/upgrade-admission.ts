import type { IncomingMessage } from 'node:http';
import type { Clock } from '../monitor/types.js';

export interface UpgradeAdmissionOptions {
  /** New connections (upgrades, Socket.IO handshakes) per second per client IP. */
  readonly ratePerSecond: number;
  /** Bucket size: this many may arrive at once. */
  readonly burst: number;
  /** Most client IPs tracked at once; the least recently seen is forgotten first. */
  readonly maxKeys?: number;
  readonly clock: Clock;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The per-IP rate of new connections, checked before any token is verified: a client
 * that opens connections faster than `ratePerSecond` (after a `burst`) is answered 429
 * with `Retry-After`, so an upgrade flood costs the gateway a map lookup per attempt,
 * not a signature check. The map is bounded; a forgotten IP starts with a full bucket,
 * which errs on the side of serving.
 *
 * @example
 * ```ts
 * const admission = new UpgradeAdmission({ ratePerSecond: 1000, burst: 20_000, clock });
 * const wait = admission.admit(req);
 * if (wait > 0) refuse(429, { 'Retry-After': String(wait) });
 * ```
 */
export class UpgradeAdmission {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly options: UpgradeAdmissionOptions) {
    this.maxKeys = options.maxKeys ?? 50_000;
  }

  /**
   * Takes one token for the request's client IP. Returns 0 when admitted, else the whole
   * seconds to wait before a token is available again (at least 1).
   */
  admit(req: IncomingMessage): number {
    return this.admitIp(req.socket.remoteAddress ?? 'unknown');
  }

  admitIp(ip: string): number {
    const { ratePerSecond, burst, clock } = this.options;
    const now = clock.now();
    let bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (oldest.done !== true) this.buckets.delete(oldest.value);
      }
      bucket = { tokens: burst, at: now };
    } else {
      // Re-inserted below, so the Map's order stays least recently seen first.
      this.buckets.delete(ip);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    }
    this.buckets.set(ip, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  /** Client IPs tracked now (bounded by `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }
}
