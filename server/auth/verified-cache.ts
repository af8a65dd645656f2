import type { Principal } from './principal.js';

/** A token's verified principal and the window in which that verdict stays true. */
interface Entry {
  readonly principal: Principal;
  /** `nbf` in epoch milliseconds (minus the tolerance), or -Infinity without one. */
  readonly notBefore: number;
}

export interface VerifiedCacheOptions {
  /** Most tokens remembered at once; the least recently used is dropped first. */
  readonly maxEntries: number;
  /** Longer tokens are never remembered, so the cache's memory is bounded by both. */
  readonly maxTokenLength: number;
}

/**
 * Verified tokens, by their exact text. Only what a signature check accepted goes in, so
 * a bad token can neither fill the cache nor be answered from it. An entry is used only
 * while its own `exp` has not passed (without the clock tolerance jose grants: a token in
 * that last grace window is verified again, so the cache never accepts what jose would
 * refuse), and only at or after its `nbf`. The key is the whole token, not a hash of it: two
 * different tokens can never share an entry. Bounded in entries and in token length, so
 * the worst case is `maxEntries * maxTokenLength` bytes of keys.
 *
 * Why a cache at all: an agent beating over HTTP sends the same token with every request,
 * and each verification is two hand-offs to libuv's thread pool (WebCrypto); a hit is a
 * map lookup.
 *
 * @example
 * ```ts
 * const cache = new VerifiedCache({ maxEntries: 10_000, maxTokenLength: 2048 });
 * cache.get(token, Date.now()) ?? cache.set(token, await verifyForReal(token), nbfMs);
 * ```
 */
export class VerifiedCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: VerifiedCacheOptions) {}

  /** The principal of a token verified before and still inside its validity window. */
  get(token: string, now: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (now >= entry.principal.expiresAt || now < entry.notBefore) {
      this.entries.delete(token);
      return undefined;
    }
    // Re-inserted so the Map's insertion order is the recency order (oldest first).
    this.entries.delete(token);
    this.entries.set(token, entry);
    return entry.principal;
  }

  /** Remembers a token that was just verified. `notBefore` in epoch ms. */
  set(token: string, principal: Principal, notBefore: number): void {
    if (token.length > this.options.maxTokenLength || this.options.maxEntries <= 0) return;
    this.entries.delete(token);
    this.entries.set(token, { principal, notBefore });
    if (this.entries.size <= this.options.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }

  get size(): number {
    return this.entries.size;
  }
}
