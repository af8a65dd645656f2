import type { JWTPayload } from 'jose';
import { PulsegateError } from '../../shared/errors.js';
import { DEFAULT_TENANT, isAgentType, isSessionId, isTenant } from '../../shared/limits.js';
import type { Principal } from './principal.js';

/** Longest `sub` any token may carry (a dashboard's user id). */
export const MAX_SUBJECT_LENGTH = 256;

/**
 * The clock tolerance of the contract, in seconds, granted on `exp`, `nbf` and `iat`. The
 * one place it is written: the verifier's default, and through each `Principal`'s
 * `expiresAt` the expiry of every connection and of the verified-token cache.
 */
export const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The first instant, in epoch ms, at which jose refuses a token with this `exp` when it
 * grants `toleranceSeconds`: jose refuses once `exp <= floor(now / 1000) - tolerance`,
 * that is from `ceil(exp + tolerance)` whole seconds on.
 *
 * @example
 * ```ts
 * refusedFrom(1_767_225_600, 5); // 1_767_225_605_000
 * ```
 */
export function refusedFrom(exp: number, toleranceSeconds: number): number {
  return Math.ceil(exp + toleranceSeconds) * 1000;
}

/**
 * The first instant, in epoch ms, at which jose accepts a token with this `nbf` when it
 * grants `toleranceSeconds`: jose refuses while `nbf > floor(now / 1000) + tolerance`.
 */
export function acceptedFrom(nbf: number, toleranceSeconds: number): number {
  return Math.ceil(nbf - toleranceSeconds) * 1000;
}

function invalid(message: string): PulsegateError {
  return new PulsegateError('unauthorized', message);
}

function readScopes(scope: unknown): ReadonlySet<string> {
  if (scope === undefined) return new Set();
  if (typeof scope !== 'string') throw invalid('scope must be a space-delimited string');
  return new Set(scope.split(/\s+/).filter((s) => s !== ''));
}

/**
 * Turns a verified payload into a `Principal`. Claims every token must get right are
 * checked here (401), and so is a token that carries `agent_type`: a malformed one, or a
 * `sub` beside it that is no session id, makes the token invalid whatever its scope (the
 * contract's "bad sub or agent_type"). What a route needs (scope, then a session-id `sub`
 * and a present `agent_type`) is checked by the identity helpers. `toleranceSeconds` is the
 * clock tolerance the token was just verified with: the principal's `expiresAt` includes it.
 */
export function readPrincipal(payload: JWTPayload, toleranceSeconds: number): Principal {
  const { sub, exp, tenant } = payload;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) {
    throw invalid('sub must be a non-empty string');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('exp is required');
  if (tenant !== undefined && !isTenant(tenant)) throw invalid('tenant is not valid');
  const agentType = payload['agent_type'];
  if (agentType !== undefined) {
    if (!isAgentType(agentType)) throw invalid('agent_type must be 1-64 chars of [A-Za-z0-9._:-]');
    // A token carrying agent_type is an agent's: its sub is a session id.
    if (!isSessionId(sub)) throw invalid('sub must be a session id (1-128 of [A-Za-z0-9._:-])');
  }
  return {
    subject: sub,
    tenant: typeof tenant === 'string' ? tenant : DEFAULT_TENANT,
    scopes: readScopes(payload['scope']),
    agentType,
    expiresAt: refusedFrom(exp, toleranceSeconds),
  };
}
