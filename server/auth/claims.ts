import type { JWTPayload } from 'jose';
import { PulsegateError } from '../../shared/errors.js';
import { DEFAULT_TENANT, isAgentType, isTenant } from '../../shared/limits.js';
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
 * checked here (401), an `agent_type` that is present but malformed included: the
 * contract calls such a token invalid whatever its scope. What a route needs (scope, then
 * a session-id `sub` and a present `agent_type`) is checked by the identity helpers.
 */
export function readPrincipal(payload: JWTPayload): Principal {
  const { sub, exp, tenant } = payload;
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) {
    throw invalid('sub must be a non-empty string');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('exp is required');
  if (tenant !== undefined && !isTenant(tenant)) throw invalid('tenant is not valid');
  const agentType = payload['agent_type'];
  if (agentType !== undefined && !isAgentType(agentType)) {
    throw invalid('agent_type must be 1-64 chars of [A-Za-z0-9._:-]');
  }
  return {
    subject: sub,
    tenant: typeof tenant === 'string' ? tenant : DEFAULT_TENANT,
    scopes: readScopes(payload['scope']),
    agentType,
    expiresAt: exp * 1000,
  };
}
