import { SignJWT } from 'jose';

/** The HS256 secret every bench gateway is started with (`PULSEGATE_JWT_SECRET`). */
export const BENCH_SECRET = 'pulsegate-bench-secret-not-for-production-0123456789';

/** The agent type of every bench agent. */
export const BENCH_AGENT_TYPE = 'bench';

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** An agent token for session `sub`, valid for an hour. */
export function agentToken(sub: string, secret = BENCH_SECRET): Promise<string> {
  return new SignJWT({ scope: 'agent', agent_type: BENCH_AGENT_TYPE })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key(secret));
}

/** A dashboard token that may read (and control) every session of the default tenant. */
export function dashboardToken(sub: string, secret = BENCH_SECRET): Promise<string> {
  return new SignJWT({ scope: 'sessions:read sessions:control' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key(secret));
}
