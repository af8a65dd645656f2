import { SignJWT } from 'jose';
import { SECRET } from './harness.js';

export interface TokenClaims {
  sub?: string;
  scope?: string;
  agentType?: string;
  tenant?: string;
  /** Expiry in epoch milliseconds (rounded up to the second); default in an hour. */
  expiresAt?: number;
  secret?: string;
}

/** An expiry at least `ms` ahead, on a whole second (JWT `exp` is in seconds). */
export function expiryIn(ms: number): number {
  return Math.ceil((Date.now() + ms) / 1000) * 1000;
}

/** Signs an HS256 token with exactly the claims given (absent ones are left out). */
export async function sign(claims: TokenClaims): Promise<string> {
  const body: Record<string, string> = {};
  if (claims.scope !== undefined) body['scope'] = claims.scope;
  if (claims.agentType !== undefined) body['agent_type'] = claims.agentType;
  if (claims.tenant !== undefined) body['tenant'] = claims.tenant;
  let jwt = new SignJWT(body)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.ceil((claims.expiresAt ?? Date.now() + 3_600_000) / 1000));
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  return jwt.sign(new TextEncoder().encode(claims.secret ?? SECRET));
}

/** An agent token for `session`. */
export function agentToken(
  session: string,
  options: { agentType?: string; tenant?: string; expiresAt?: number } = {},
): Promise<string> {
  return sign({
    sub: session,
    scope: 'agent',
    agentType: options.agentType ?? 'worker',
    ...options,
  });
}

/** A dashboard token: read-only unless `control`. */
export function dashboardToken(
  options: { tenant?: string; control?: boolean; user?: string } = {},
): Promise<string> {
  const scope = options.control === true ? 'sessions:read sessions:control' : 'sessions:read';
  return sign({
    sub: options.user ?? 'ops',
    scope,
    ...(options.tenant ? { tenant: options.tenant } : {}),
  });
}
