import { refreshDelay, tokenExpiry } from '../token.js';

/** Longest delay `setTimeout` honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** Wait before asking the token function again after it failed. */
const RETRY_MS = 1_000;

/**
 * Keeps a connection's token fresh: before the current token's `exp` it asks the token
 * function for a new one and hands it to `onToken` (which sends `refresh`). Tokens with
 * no readable `exp` are never refreshed.
 */
export class TokenRefresher {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  constructor(
    private readonly source: () => string | Promise<string>,
    private readonly marginMs: number,
    private readonly onToken: (token: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Plans the refresh of `token` (replacing any earlier plan). */
  schedule(token: string): void {
    this.stop();
    const expiresAt = tokenExpiry(token);
    if (expiresAt === undefined) return;
    this.#arm(token, expiresAt, this.#generation);
  }

  stop(): void {
    this.#generation += 1;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(token: string, expiresAt: number, generation: number): void {
    const delay = refreshDelay(expiresAt, Date.now(), this.marginMs);
    if (delay > MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.#arm(token, expiresAt, generation), MAX_TIMER_MS);
      return;
    }
    this.#timer = setTimeout(() => void this.#refresh(expiresAt, generation), delay);
  }

  async #refresh(expiresAt: number, generation: number): Promise<void> {
    let next: string;
    try {
      next = await this.source();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.onError(error);
      if (Date.now() < expiresAt) {
        this.#timer = setTimeout(() => void this.#refresh(expiresAt, generation), RETRY_MS);
      }
      return;
    }
    if (generation !== this.#generation) return;
    this.onToken(next);
    this.schedule(next);
  }
}
