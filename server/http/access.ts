import type { IncomingMessage } from 'node:http';
import { PulsegateError } from '../../shared/errors.js';
import { readBearer } from '../auth/bearer.js';
import { agentIdentity, hasScope, SCOPE, type Scope } from '../auth/identity.js';
import type { Principal, TokenVerifier } from '../auth/principal.js';

/** Who may act on a session over HTTP, once the token was read. */
export interface Access {
  readonly tenant: string;
  /** Set when the caller is the session's own agent. */
  readonly agentType: string | undefined;
}

const REMEMBER = { remember: true } as const;

/**
 * The principal of a request's `Authorization: Bearer` header (401 without one). A token
 * the verifier remembers is answered at once, without a promise; others are verified.
 */
export function authenticate(
  req: IncomingMessage,
  verifier: TokenVerifier,
): Principal | Promise<Principal> {
  const token = readBearer(req.headers.authorization);
  if (token === undefined) throw new PulsegateError('unauthorized', 'a bearer token is required');
  // Remembered: an HTTP caller sends the same token with every request.
  return verifier.recall?.(token) ?? verifier.verify(token, REMEMBER);
}

/** A dashboard-side caller needing `scope` (403 without it). */
export function requireScope(principal: Principal, scope: Scope): Access {
  if (!hasScope(principal, scope)) {
    throw new PulsegateError('forbidden', `the token lacks the ${scope} scope`);
  }
  return { tenant: principal.tenant, agentType: undefined };
}

/**
 * A caller acting on session `id`: a dashboard token with `scope`, or the session's own
 * agent (same `sub`, and its tenant). Another agent's token is forbidden (403) whether or
 * not the session exists, so nothing is revealed about it.
 */
export function authorizeSession(
  principal: Principal,
  id: string,
  scope: Scope | undefined,
): Access {
  if (scope !== undefined && hasScope(principal, scope)) {
    return { tenant: principal.tenant, agentType: undefined };
  }
  if (!hasScope(principal, SCOPE.agent)) {
    throw new PulsegateError('forbidden', `the token lacks the ${scope ?? SCOPE.agent} scope`);
  }
  const agent = agentIdentity(principal);
  if (agent.session !== id) {
    throw new PulsegateError('forbidden', 'an agent token may act on its own session only');
  }
  return { tenant: agent.tenant, agentType: agent.agentType };
}
