import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTVerifyGetKey,
} from 'jose';
import { PulsegateError } from '../../shared/errors.js';

export interface RemoteKeysOptions {
  /** How long one fetch of the set may take. */
  readonly timeoutMs?: number;
  /** How long a fetched set is used before it is fetched again. */
  readonly cacheMaxAgeMs?: number;
  /** Least time between two fetches triggered by an unknown `kid`. */
  readonly cooldownMs?: number;
}

/**
 * Errors that mean "the key source could not be read", as opposed to "this token does not
 * match any key": a fetch that failed, timed out, answered non-200 or answered garbage.
 */
function isSourceFailure(err: unknown): boolean {
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return false;
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return true;
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC';
  // fetch() itself rejects with a TypeError on a refused connection or a DNS failure.
  return true;
}

function unavailable(cause: unknown): PulsegateError {
  return new PulsegateError('unavailable', 'the key set cannot be reached', { cause });
}

/**
 * A remote JWK set that survives its server's outage: jose refreshes the set when it is
 * stale, and when that refresh fails we verify against the last set that was fetched.
 * With no set ever fetched, or a token whose key is not in the last set, verification
 * rejects with `unavailable` (503): the token may be good, we just cannot tell.
 */
export function createRemoteKeys(url: string, options: RemoteKeysOptions = {}): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), {
    timeoutDuration: options.timeoutMs ?? 3_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
  });
  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await remote(header, token);
    } catch (err) {
      if (!isSourceFailure(err)) throw err;
      const known = remote.jwks();
      if (known === undefined) throw unavailable(err);
      try {
        return await createLocalJWKSet(known)(header, token);
      } catch (localErr) {
        if (localErr instanceof errors.JWKSNoMatchingKey) throw unavailable(err);
        throw localErr;
      }
    }
  };
}
