import { PulsegateError } from '../../shared/errors.js';
import { isSessionId } from '../../shared/limits.js';
import type { Principal } from './principal.js';

/** The scopes of the contract. */
export const SCOPE = {
  agent: 'agent',
  read: 'sessions:read',
  control: 'sessions:control',
} as const;

export type Scope = (typeof SCOPE)[keyof typeof SCOPE];

/** Who an agent token speaks for: one session of one tenant. */
export interface AgentIdentity {
  readonly session: string;
  readonly agentType: string;
  readonly tenant: string;
  /** When the token stops being accepted: `exp` plus the clock tolerance, epoch ms. */
  readonly expiresAt: number;
}

/** Who a dashboard token speaks for: a user of one tenant. */
export interface DashboardIdentity {
  readonly user: string;
  readonly tenant: string;
  /** `sessions:control`: may pause, resume and unregister. */
  readonly canControl: boolean;
  /** When the token stops being accepted: `exp` plus the clock tolerance, epoch ms. */
  readonly expiresAt: number;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope);
}

/**
 * The agent a token speaks for. The scope is checked first (403 `forbidden`), then the
 * claims an agent needs (401 `unauthorized`); a malformed `agent_type`, or a bad `sub`
 * beside one, was already refused (401) when the token was read (`readPrincipal`).
 *
 * @example
 * ```ts
 * const { session, agentType, tenant } = agentIdentity(await verifier.verify(token));
 * ```
 */
export function agentIdentity(principal: Principal): AgentIdentity {
  if (!hasScope(principal, SCOPE.agent)) {
    throw new PulsegateError('forbidden', 'the token lacks the agent scope');
  }
  if (!isSessionId(principal.subject)) {
    throw new PulsegateError('unauthorized', 'sub must be a session id (1-128 of [A-Za-z0-9._:-])');
  }
  if (principal.agentType === undefined) {
    throw new PulsegateError('unauthorized', 'agent_type must be 1-64 of [A-Za-z0-9._:-]');
  }
  return {
    session: principal.subject,
    agentType: principal.agentType,
    tenant: principal.tenant,
    expiresAt: principal.expiresAt,
  };
}

/**
 * The dashboard user a token speaks for: `sessions:read` is needed (403 otherwise).
 *
 * @example
 * ```ts
 * const dash = dashboardIdentity(await verifier.verify(token));
 * if (!dash.canControl) ...
 * ```
 */
export function dashboardIdentity(principal: Principal): DashboardIdentity {
  if (!hasScope(principal, SCOPE.read)) {
    throw new PulsegateError('forbidden', 'the token lacks the sessions:read scope');
  }
  return {
    user: principal.subject,
    tenant: principal.tenant,
    canControl: hasScope(principal, SCOPE.control),
    expiresAt: principal.expiresAt,
  };
}
