/**
 * Tokens for the hostile catalogue, good and bad: signed with jose for the well-formed
 * ones, assembled by hand for what jose refuses to produce (`alg: none`, broken parts).
 */
import { SignJWT, type JWTPayload } from 'jose';
import { createHmac, type KeyObject } from 'node:crypto';

export const SECRET = 'hostile-catalogue-secret-0123456789abcdef';
export const ISSUER = 'https://issuer.hostile.test';
export const AUDIENCE = 'pulsegate';

/** Any claims, ill-typed ones included (`exp: "soon"`): the hostile cases need them. */
export type Claims = Readonly<Record<string, unknown>>;

export interface SignOptions {
  /** The protected header; `alg` defaults to HS256. */
  readonly header?: Record<string, unknown>;
  /** HS secret (text) or an asymmetric private key. */
  readonly key?: string | CryptoKey | KeyObject | Uint8Array;
  /** Leave out the default `exp` (one hour ahead). */
  readonly noExp?: boolean;
  /** Leave out the default `iss` / `aud`. */
  readonly noIss?: boolean;
  readonly noAud?: boolean;
}

/** Signs `claims` (with iss, aud and a one-hour exp unless told otherwise). */
export async function signToken(claims: Claims, options: SignOptions = {}): Promise<string> {
  const body: Record<string, unknown> = {
    ...(options.noIss === true ? {} : { iss: ISSUER }),
    ...(options.noAud === true ? {} : { aud: AUDIENCE }),
    ...(options.noExp === true ? {} : { exp: Math.floor(Date.now() / 1000) + 3600 }),
    ...claims,
  };
  const header = { alg: 'HS256', ...options.header };
  const key = options.key ?? SECRET;
  // SignJWT serialises whatever it is given; its type only describes good claims.
  const jwt = new SignJWT(body as JWTPayload).setProtectedHeader({
    ...header,
    alg: String(header.alg),
  });
  return jwt.sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}

export function agentClaims(session: string, extra: Claims = {}): Claims {
  return { sub: session, scope: 'agent', agent_type: 'worker', ...extra };
}

export function dashboardClaims(extra: Claims = {}): Claims {
  return { sub: 'ops', scope: 'sessions:read sessions:control', ...extra };
}

/** A good HS256 agent token for the catalogue gateway. */
export function agentToken(session: string, extra: Claims = {}): Promise<string> {
  return signToken(agentClaims(session, extra));
}

/** A good HS256 dashboard token (read and control unless `scope` says otherwise). */
export function dashboardToken(extra: Claims = {}): Promise<string> {
  return signToken(dashboardClaims(extra));
}

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/** An unsigned token (`alg` as given, empty or junk signature): what jose will not make. */
export function unsignedToken(header: Record<string, unknown>, claims: Claims, sig = ''): string {
  const body = {
    iss: ISSUER,
    aud: AUDIENCE,
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  };
  return `${b64url(header)}.${b64url(body)}.${sig}`;
}

/** HS256 over a hand-made header: for headers jose will not sign (unknown `crit`). */
export function hmacToken(header: Record<string, unknown>, claims: Claims): string {
  const unsigned = unsignedToken(header, claims).slice(0, -1);
  const sig = createHmac('sha256', SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${sig}`;
}

/** Raw parts joined with dots, for the structurally broken tokens. */
export function rawToken(...parts: string[]): string {
  return parts.join('.');
}
