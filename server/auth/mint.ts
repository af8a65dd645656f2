import { SignJWT } from 'jose';
import { DEFAULT_TENANT } from '../../shared/limits.js';

export interface MintOptions {
  /** The HS256 secret the gateway verifies with. */
  readonly secret: string;
  readonly sub: string;
  /** Space-delimited scopes, e.g. `agent` or `sessions:read sessions:control`. */
  readonly scope: string;
  readonly agentType?: string | undefined;
  readonly tenant?: string | undefined;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
  /** Issue time, epoch milliseconds (the system clock by default). */
  readonly now?: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
}

/**
 * Mints an HS256 token, as `pulsegate token` and dev mode do.
 *
 * @example
 * ```ts
 * const token = await mintToken({ secret, sub: 'worker-1', scope: 'agent', agentType: 'planner', ttlSeconds: 3600 });
 * ```
 */
export async function mintToken(options: MintOptions): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Record<string, string> = { scope: options.scope };
  if (options.agentType !== undefined) claims['agent_type'] = options.agentType;
  if (options.tenant !== undefined && options.tenant !== DEFAULT_TENANT) {
    claims['tenant'] = options.tenant;
  }
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds);
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

const TTL = /^([0-9]{1,9})([smhd]?)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Parses a lifetime like `90`, `30s`, `15m`, `1h` or `7d` into seconds; `undefined` if bad. */
export function parseTtl(text: string): number | undefined {
  const match = TTL.exec(text.trim());
  if (match === null) return undefined;
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? 1);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
