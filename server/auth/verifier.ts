import { jwtVerify } from 'jose';
import { PulsegateError } from '../../shared/errors.js';
import type { Clock } from '../monitor/types.js';
import { acceptedFrom, CLOCK_TOLERANCE_SECONDS, readPrincipal } from './claims.js';
import { createKeyResolver, type KeySources } from './keys.js';
import { isAccessTokenType } from './token-type.js';
import type { Principal, TokenVerifier, VerifyOptions } from './principal.js';
import { VerifiedCache } from './verified-cache.js';

export interface VerifierOptions extends KeySources {
  /** Required `iss` when set. */
  readonly issuer?: string | undefined;
  /** Required `aud` when set. */
  readonly audience?: string | undefined;
  /** The time tokens are checked against; the system clock by default. */
  readonly clock?: Clock;
  /**
   * Allowed skew for `exp`, `nbf` and `iat`, in seconds (default `CLOCK_TOLERANCE_SECONDS`,
   * 5). It is folded into each principal's `expiresAt`, so the connections a token opens
   * expire when this verifier would start refusing it, not before.
   */
  readonly clockToleranceSeconds?: number;
  /**
   * Most verified tokens remembered (see `VerifiedCache`); 0 turns the cache off. Never
   * used with a remote JWK set, whose keys can be withdrawn before a token's `exp`.
   */
  readonly cacheEntries?: number;
}

/** The longest token we are willing to parse: a JWT is a header field, not a payload. */
const MAX_TOKEN_LENGTH = 8 * 1024;
/** Default size of the verified-token cache: one entry per caller beating over HTTP. */
const CACHE_ENTRIES = 10_000;
/** Longest token the cache keeps (bounds it to 10,000 x 2 KiB of keys at worst). */
const CACHE_TOKEN_LENGTH = 2 * 1024;

/**
 * Creates the JWT verifier. Every failure is a `PulsegateError`: `unauthorized` for any
 * token problem, `unavailable` when a remote JWK set cannot be reached and no key it held
 * matches. The jose error is kept as `cause`, for the log only. A token verified with
 * `{ remember: true }` is answered from a bounded cache until its `exp` plus the clock
 * tolerance, the instant jose would refuse it (with static keys only: a secret or a PEM
 * key), so an agent beating over HTTP with one token pays one signature check, not one per
 * request.
 *
 * @example
 * ```ts
 * const verifier = await createTokenVerifier({ secret: process.env.PULSEGATE_JWT_SECRET });
 * const principal = await verifier.verify(token); // { subject, tenant, scopes, ... }
 * ```
 */
export async function createTokenVerifier(options: VerifierOptions): Promise<TokenVerifier> {
  const { algorithms, getKey } = await createKeyResolver(options);
  const clock = options.clock;
  const tolerance = options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS;
  const cacheEntries = options.jwksUrl === undefined ? (options.cacheEntries ?? CACHE_ENTRIES) : 0;
  const cache =
    cacheEntries > 0
      ? new VerifiedCache({ maxEntries: cacheEntries, maxTokenLength: CACHE_TOKEN_LENGTH })
      : undefined;
  const now = (): number => (clock !== undefined ? clock.now() : Date.now());
  const wellFormed = (token: string): boolean =>
    typeof token === 'string' && token !== '' && token.length <= MAX_TOKEN_LENGTH;
  return {
    recall(token: string): Principal | undefined {
      // Synchronous, so an HTTP request whose token is remembered waits for nothing.
      return cache !== undefined && wellFormed(token) ? cache.get(token, now()) : undefined;
    },

    async verify(token: string, verifyOptions?: VerifyOptions): Promise<Principal> {
      if (!wellFormed(token)) throw new PulsegateError('unauthorized', 'invalid token');
      const cached = cache?.get(token, now());
      if (cached !== undefined) return cached;
      try {
        const { payload, protectedHeader } = await jwtVerify(token, getKey, {
          algorithms,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: tolerance,
          ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
          ...(options.audience !== undefined ? { audience: options.audience } : {}),
          ...(clock !== undefined ? { currentDate: new Date(clock.now()) } : {}),
        });
        if (!isAccessTokenType(protectedHeader.typ)) throw new Error('not an access token typ');
        const principal = readPrincipal(payload, tolerance);
        if (cache !== undefined && verifyOptions?.remember === true) {
          // The window jose accepts: from `nbf` up to the tolerance early (no earlier), until
          // `principal.expiresAt` (`exp` plus the tolerance, no later).
          const nbf =
            typeof payload.nbf === 'number' ? acceptedFrom(payload.nbf, tolerance) : -Infinity;
          cache.set(token, principal, nbf);
        }
        return principal;
      } catch (err) {
        // The key source being down is the one failure that is not the token's fault.
        if (err instanceof PulsegateError && err.code === 'unavailable') throw err;
        throw new PulsegateError('unauthorized', 'invalid token', { cause: err });
      }
    },
  };
}
