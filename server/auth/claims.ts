import type { JWTPayload } from 'jose';
import { PulsegateError } from '../../shared/errors.js';
import { DEFAULT_TENANT, isAgentType, isSessionId, isTenant } from '../../shared/limits.js';
import type { Principal } from './principal.js';

/** Longest `sub` any token may carry (a dashboard's user id). */
export const MAX_SUBJECT_LENGTH = 256;

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
 * and a present `agent_type`) is checked by the identity helpers.
 */
export function readPrincipal(payload: JWTPayload): Principal {
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
    expiresAt: exp * 1000,
  };
}
