/**
 * A token bucket over an injected time value: `take(now)` spends one token and refills
 * continuously at `ratePerSecond`, up to `burst`. Two numbers of state, so that every agent
 * connection can hold one without a timer.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(50, 100, clock.now());
 * if (!bucket.take(clock.now())) socket.close(CloseCode.RateLimited);
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Spends one token; false when the bucket is empty (the frame is over the rate). */
  take(now: number): boolean {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
