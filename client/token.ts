import { isJsonRecord, parseJson } from '../shared/record.js';

/**
 * Where a client gets its token: a fixed string, or a function that returns a fresh one
 * (called for every connect and before the current token expires).
 */
export type TokenSource = string | (() => string | Promise<string>);

/** Gets a token from its source. */
export async function fetchToken(source: TokenSource): Promise<string> {
  return typeof source === 'string' ? source : await source();
}

function base64UrlDecode(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  try {
    // atob exists in browsers and in Node >= 16; the payload is UTF-8.
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The `exp` of a JWT, in epoch milliseconds, read from its payload without verifying it
 * (the client only needs to know when to refresh; the gateway verifies). `undefined`
 * when the token is not a JWT or has no numeric `exp`.
 *
 * @example
 * ```ts
 * const expiresAt = tokenExpiry(token); // e.g. 1767225600000
 * ```
 */
export function tokenExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const json = base64UrlDecode(parts[1] ?? '');
  if (json === undefined) return undefined;
  const payload = parseJson(json)?.value;
  if (!isJsonRecord(payload)) return undefined;
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  return exp * 1000;
}

/**
 * How long to wait, from `now`, before refreshing a token that expires at `expiresAt`:
 * `marginMs` ahead of expiry, or half of the remaining time when that is shorter, so a
 * short-lived token is still refreshed in time. Never negative.
 *
 * @example
 * ```ts
 * refreshDelay(now + 3_600_000, now, 30_000); // 3_570_000
 * refreshDelay(now + 10_000, now, 30_000); // 5_000
 * ```
 */
export function refreshDelay(expiresAt: number, now: number, marginMs: number): number {
  const remaining = expiresAt - now;
  if (remaining <= 0) return 0;
  return remaining > 2 * marginMs ? remaining - marginMs : Math.floor(remaining / 2);
}
