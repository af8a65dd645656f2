import type { Principal } from './principal.js';

/** A token's verified principal and the window in which that verdict stays true. */
interface Entry {
  /** The whole token: an entry answers this exact text only. */
  readonly token: string;
  readonly principal: Principal;
  /** `nbf` less the tolerance, in epoch milliseconds, or -Infinity without one. */
  readonly notBefore: number;
  /** The cache's insertion count when the entry was last moved to the newest end. */
  moved: number;
}

export interface VerifiedCacheOptions {
  /** Most tokens remembered at once; the least recently used is dropped first. */
  readonly maxEntries: number;
  /** Longer tokens are never remembered, so the cache's memory is bounded by both. */
  readonly maxTokenLength: number;
}

/** A token's signature segment (the whole token when it has no dot). */
function keyOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}

/**
 * Verified tokens, by their exact text. Only what a signature check accepted goes in, so
 * a bad token can neither fill the cache nor be answered from it. An entry is used only
 * before its principal's `expiresAt` (`exp` plus the clock tolerance: the instant jose
 * starts refusing it) and at or after its `notBefore` (`nbf` less the tolerance, the instant
 * jose starts accepting it): the cache answers exactly what jose would, no earlier and no
 * later, like the connections' expiry timers. An entry answers its exact token only (the
 * whole text is compared), so two different tokens can never share a verdict. Bounded in
 * entries and in token length, so the worst case is `maxEntries * maxTokenLength` bytes.
 *
 * The map's key is the token's last segment, its signature: a fresh header string is
 * hashed on each lookup, and hashing 43 characters instead of 300 is most of a hit's cost.
 * Two valid tokens cannot share a signature, and a forged token that copies one finds the
 * entry, fails the comparison and is verified (and refused) without displacing it.
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
  /** By signature segment (`keyOf`). */
  private readonly entries = new Map<string, Entry>();
  /** Insertions (new entries and moves to the newest end) so far. */
  private inserted = 0;

  constructor(private readonly options: VerifiedCacheOptions) {}

  /** The principal of a token verified before and still inside its validity window. */
  get(token: string, now: number): Principal | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (now >= entry.principal.expiresAt || now < entry.notBefore) {
      this.entries.delete(key);
      return undefined;
    }
    // The Map's insertion order is the recency order (oldest first, dropped first). A hit
    // moves its entry to the newest end only once half the cache was inserted since its
    // last move: an entry is dropped only after `maxEntries` insertions, so one used about
    // every `maxEntries / 2` insertions or more often stays, and the usual hit (an
    // agent beating over HTTP) is one lookup instead of a lookup, a delete and an insert.
    if (this.inserted - entry.moved > this.options.maxEntries / 2) {
      this.entries.delete(key);
      this.insert(key, entry);
    }
    return entry.principal;
  }

  /** Remembers a token that was just verified. `notBefore` in epoch ms. */
  set(token: string, principal: Principal, notBefore: number): void {
    if (token.length > this.options.maxTokenLength || this.options.maxEntries <= 0) return;
    const key = keyOf(token);
    this.entries.delete(key);
    this.insert(key, { token, principal, notBefore, moved: 0 });
    if (this.entries.size <= this.options.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }

  private insert(key: string, entry: Entry): void {
    entry.moved = ++this.inserted;
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
