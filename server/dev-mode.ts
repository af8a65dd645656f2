import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { mintToken } from './auth/mint.js';

/** Lifetime of the tokens dev mode prints. */
const DEV_TOKEN_TTL_SECONDS = 24 * 3600;

/** A random HS256 secret for a gateway started with no key. */
export function makeDevSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The host a browser on this machine reaches a bind address by. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The `iss` and `aud` the gateway requires (PULSEGATE_JWT_ISSUER / _AUDIENCE), if any. */
export interface DevClaims {
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
}

/**
 * Logs what a developer needs to try a dev-mode gateway: a dashboard URL whose fragment
 * carries a dashboard token (fragments never reach the server), an agent token, and a
 * command that connects an agent. These lines are the only ones that carry tokens. The
 * tokens carry the configured `iss` and `aud`, or the gateway would refuse its own.
 */
export async function announceDevMode(
  log: Logger,
  secret: string,
  host: string,
  port: number,
  claims: DevClaims = { issuer: undefined, audience: undefined },
): Promise<void> {
  const base = `${reachableHost(host)}:${port}`;
  const dashboardToken = await mintToken({
    secret,
    sub: 'dev-dashboard',
    scope: 'sessions:read sessions:control',
    ttlSeconds: DEV_TOKEN_TTL_SECONDS,
    ...claims,
  });
  const agentToken = await mintToken({
    secret,
    sub: 'dev-agent-1',
    scope: 'agent',
    agentType: 'dev',
    ttlSeconds: DEV_TOKEN_TTL_SECONDS,
    ...claims,
  });
  // At the level of the DEV MODE warning: whoever sees the warning sees what to try.
  log.warn({ dashboardUrl: `http://${base}/#token=${dashboardToken}` }, 'dev mode: dashboard');
  log.warn(
    {
      agentToken,
      example: `npx wscat -c ws://${base}/v1/agent -H "Authorization: Bearer ${agentToken}"`,
      httpExample: `curl -X POST -H "Authorization: Bearer ${agentToken}" http://${base}/v1/sessions/dev-agent-1/beat`,
    },
    'dev mode: example agent token',
  );
}
