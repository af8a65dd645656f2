/**
 * Counts refused frames in a sliding window: more than `max` refusals within `windowMs`
 * is a policy violation. It keeps the times of the last `max` refusals only, and
 * allocates nothing until the first refusal, so well-behaved connections pay nothing.
 *
 * @example
 * ```ts
 * const refusals = new RefusalWindow(10, 60_000);
 * if (refusals.record(clock.now())) socket.close(CloseCode.PolicyViolation);
 * ```
 */
export class RefusalWindow {
  private times: number[] | undefined;
  private next = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records a refusal at `now`; true when it makes more than `max` within the window. */
  record(now: number): boolean {
    const size = this.max;
    if (size <= 0) return true;
    if (this.times === undefined) this.times = new Array<number>(size).fill(-Infinity);
    // A ring of the last `max` refusal times: the slot we overwrite holds the refusal made
    // `max` refusals ago; if it is inside the window, this one is the (max+1)-th in it.
    const earlier = this.times[this.next] ?? -Infinity;
    this.times[this.next] = now;
    this.next = (this.next + 1) % size;
    return now - earlier < this.windowMs;
  }
}
