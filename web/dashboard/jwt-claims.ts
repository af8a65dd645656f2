import { isJsonRecord } from '../../shared/record.js';

/** What the page shows of its own token. Read for display only, never trusted. */
export interface TokenClaims {
  readonly subject: string | undefined;
  readonly tenant: string;
  readonly scopes: ReadonlySet<string>;
  /** `exp` in epoch ms, when present. */
  readonly expiresAt: number | undefined;
}

/**
 * Decodes a JWT's payload without verifying it: the gateway verifies, the page only
 * decides which buttons to show. Total: a malformed token gives no scopes.
 *
 * @example
 * ```ts
 * readClaims(token).scopes.has('sessions:control');
 * ```
 */
export function readClaims(token: string): TokenClaims {
  const payload = decodePayload(token);
  const scope = payload?.['scope'];
  const sub = payload?.['sub'];
  const tenant = payload?.['tenant'];
  const exp = payload?.['exp'];
  return {
    subject: typeof sub === 'string' ? sub : undefined,
    tenant: typeof tenant === 'string' && tenant !== '' ? tenant : 'default',
    scopes: new Set(typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : []),
    expiresAt: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined,
  };
}

/** True when the token's scope allows pause, resume and unregister. */
export function canControl(claims: TokenClaims): boolean {
  return claims.scopes.has('sessions:control');
}

function decodePayload(token: string): Readonly<Record<string, unknown>> | undefined {
  const parts = token.split('.');
  const segment = parts[1];
  if (parts.length !== 3 || segment === undefined || !/^[A-Za-z0-9_-]*$/.test(segment)) {
    return undefined;
  }
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isJsonRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
