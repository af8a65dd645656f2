/**
 * Tokens: `alg: none`, HS/RS confusion, wrong `aud`/`iss`/`typ`, missing or non-numeric
 * `exp`, `nbf` in the future, hostile `kid`, a JWK set that is down, slow or garbage.
 * Contract section 2 and 4: a bad token is 401 at the upgrade, a missing scope 403, a key
 * source that cannot be read 503; a dashboard gets `connect_error` with the code.
 */
import { generateKeyPair, exportJWK, SignJWT, type JWTPayload } from 'jose';
import type { HostileCase, TargetName } from '../case.js';
import {
  agentClaims,
  AUDIENCE,
  dashboardClaims,
  hmacToken,
  ISSUER,
  rawToken,
  SECRET,
  signToken,
  unsignedToken,
} from '../support/tokens.js';
import { dashboardWith, freshSession, upgradeToken } from './observe.js';

const now = () => Math.floor(Date.now() / 1000);
const claims = () => agentClaims(freshSession('tok'));

/** Signs for the RSA/JWKS targets with the private key the target put in `extras`. */
async function signRs(
  extras: Readonly<Record<string, unknown>>,
  keyName: string,
  header: Record<string, unknown>,
  body: JWTPayload = claims(),
): Promise<string> {
  const key = extras[keyName];
  if (!(key instanceof CryptoKey)) throw new Error(`no key ${keyName} on this target`);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now() + 3600, ...body })
    .setProtectedHeader({ alg: 'RS256', ...header })
    .sign(key);
}

/** An agent upgrade with `token` (made when the case runs, from the target's `extras`). */
function agentCase(
  name: string,
  token: (extras: Readonly<Record<string, unknown>>) => Promise<string> | string,
  http: number,
  target?: TargetName,
): HostileCase {
  return {
    group: 'tokens',
    name,
    ...(target === undefined ? {} : { target }),
    act: async ({ port, extras }) => upgradeToken(port, await token(extras)),
    expected: { http },
  };
}

/** The same on an RSA or JWK-set target, with a token signed by its key `keyName`. */
function rsCase(
  name: string,
  target: TargetName,
  keyName: string,
  header: Record<string, unknown>,
  http: number,
) {
  return agentCase(name, (extras) => signRs(extras, keyName, header), http, target);
}

/** A dashboard handshake with `auth`, refused with `connectError`. */
function dashboardCase(name: string, auth: () => Promise<unknown> | unknown, connectError: string) {
  return {
    group: 'tokens',
    name,
    act: async ({ port }) => dashboardWith(port, await auth()),
    expected: { connectError },
  } satisfies HostileCase;
}

export const tokenCases: HostileCase[] = [
  agentCase('alg: none, no signature', () => unsignedToken({ alg: 'none' }, claims()), 401),
  agentCase('alg: None (case games)', () => unsignedToken({ alg: 'None' }, claims()), 401),
  agentCase(
    'alg: none with a signature appended',
    () => unsignedToken({ alg: 'none', typ: 'JWT' }, claims(), 'c2lnbmF0dXJl'),
    401,
  ),
  agentCase(
    'HS384 with the right secret',
    () => signToken(claims(), { header: { alg: 'HS384' } }),
    401,
  ),
  agentCase(
    'HS512 with the right secret',
    () => signToken(claims(), { header: { alg: 'HS512' } }),
    401,
  ),
  agentCase('HS256 with another secret', () => signToken(claims(), { key: `${SECRET}x` }), 401),
  agentCase('wrong aud', () => signToken({ ...claims(), aud: 'someone-else' }), 401),
  agentCase('aud list without ours', () => signToken({ ...claims(), aud: ['a', 'b'] }), 401),
  agentCase('no aud', () => signToken(claims(), { noAud: true }), 401),
  agentCase('wrong iss', () => signToken({ ...claims(), iss: 'https://evil.example' }), 401),
  agentCase('no iss', () => signToken(claims(), { noIss: true }), 401),
  agentCase(
    'typ of another kind of token (dpop+jwt)',
    () => signToken(claims(), { header: { typ: 'dpop+jwt' } }),
    401,
  ),
  agentCase(
    'typ of a logout token (logout+jwt)',
    () => signToken(claims(), { header: { typ: 'logout+jwt' } }),
    401,
  ),
  agentCase('no exp', () => signToken(claims(), { noExp: true }), 401),
  agentCase('exp as a numeric string', () => signToken({ ...claims(), exp: '9999999999' }), 401),
  agentCase('exp as null', () => signToken({ ...claims(), exp: null }), 401),
  agentCase('exp a minute ago', () => signToken({ ...claims(), exp: now() - 60 }), 401),
  agentCase(
    'exp 2 s ago is inside the 5 s tolerance',
    () => signToken({ ...claims(), exp: now() - 2 }),
    101,
  ),
  agentCase('nbf a minute ahead', () => signToken({ ...claims(), nbf: now() + 60 }), 401),
  agentCase('nbf as a string', () => signToken({ ...claims(), nbf: 'soon' }), 401),
  agentCase('iat as a string', () => signToken({ ...claims(), iat: 'then' }), 401),
  agentCase('no sub', () => signToken({ ...claims(), sub: undefined }), 401),
  agentCase('sub with a slash', () => signToken({ ...claims(), sub: 'a/b' }), 401),
  agentCase('sub of 129 chars', () => signToken({ ...claims(), sub: 's'.repeat(129) }), 401),
  agentCase('no agent_type', () => signToken({ ...claims(), agent_type: undefined }), 401),
  agentCase('agent_type with a space', () => signToken({ ...claims(), agent_type: 'a b' }), 401),
  agentCase('no scope', () => signToken({ ...claims(), scope: undefined }), 403),
  // A bad sub or agent_type makes the token invalid (401) before its scope is looked at.
  agentCase(
    'no scope and an agent_type with a space',
    () => signToken({ ...claims(), scope: undefined, agent_type: 'a b' }),
    401,
  ),
  agentCase(
    'no scope and a sub with a slash',
    () => signToken({ ...claims(), scope: undefined, sub: 'a/b' }),
    401,
  ),
  agentCase(
    'dashboard scope and an agent_type of 65 chars',
    () => signToken({ ...claims(), scope: 'sessions:read', agent_type: 't'.repeat(65) }),
    401,
  ),
  agentCase('dashboard scope only', () => signToken({ ...claims(), scope: 'sessions:read' }), 403),
  agentCase(
    'scope "agents" (a prefix game)',
    () => signToken({ ...claims(), scope: 'agents' }),
    403,
  ),
  agentCase('scope as a list', () => signToken({ ...claims(), scope: ['agent'] }), 401),
  agentCase('tenant with a space', () => signToken({ ...claims(), tenant: 'a b' }), 401),
  agentCase('tenant as a number', () => signToken({ ...claims(), tenant: 7 }), 401),
  agentCase(
    'unknown crit header',
    () => hmacToken({ alg: 'HS256', crit: ['x-p'], 'x-p': 1 }, claims()),
    401,
  ),
  agentCase(
    'the same HMAC by hand without crit is accepted (the control)',
    () => hmacToken({ alg: 'HS256' }, claims()),
    101,
  ),
  agentCase('not a JWT at all', () => 'abc', 401),
  agentCase('two parts', () => rawToken('eyJhbGciOiJIUzI1NiJ9', 'e30'), 401),
  agentCase('five parts (a JWE shape)', () => rawToken('a', 'b', 'c', 'd', 'e'), 401),
  agentCase('a header that is not JSON', () => rawToken('bm90IGpzb24', 'e30', 'c2ln'), 401),
  agentCase(
    'HS/RS confusion: HS256 signed with the RSA public key as secret',
    (extras) => {
      const pem = extras['publicPem'];
      if (typeof pem !== 'string') throw new Error('no pem');
      return signToken(claims(), { key: pem });
    },
    401,
    'rsa',
  ),
  rsCase('RS256 by another RSA key', 'rsa', 'otherKey', {}, 401),
  rsCase('RS256 by the right key is accepted (the control)', 'rsa', 'privateKey', {}, 101),
  rsCase('PS256 by the right key (not on the allowlist)', 'rsa', 'psKey', { alg: 'PS256' }, 401),
  rsCase('hostile kid: a path', 'jwks-ok', 'otherKey', { kid: '../../../etc/passwd' }, 401),
  rsCase('hostile kid: 4 KB', 'jwks-ok', 'otherKey', { kid: 'k'.repeat(4096) }, 401),
  rsCase('hostile kid: an object', 'jwks-ok', 'privateKey', { kid: { $ne: null } }, 401),
  agentCase(
    'an embedded jwk header with the attacker key',
    (extras) => signRs(extras, 'otherKey', { jwk: extras['otherJwk'], kid: 'k1' }),
    401,
    'jwks-ok',
  ),
  rsCase(
    'a jku header pointing at the attacker',
    'jwks-ok',
    'otherKey',
    { jku: 'http://127.0.0.1:1/evil.json', kid: 'evil' },
    401,
  ),
  rsCase(
    'the right kid from the JWK set is accepted (the control)',
    'jwks-ok',
    'privateKey',
    { kid: 'k1' },
    101,
  ),
  rsCase('JWK set down: 503, not 401', 'jwks-down', 'privateKey', { kid: 'k1' }, 503),
  {
    group: 'tokens',
    name: 'JWK set slow (never answers): 503 within the handshake timeout',
    target: 'jwks-slow',
    act: async ({ port, extras }) => {
      const started = Date.now();
      const outcome = await upgradeToken(port, await signRs(extras, 'privateKey', { kid: 'k1' }));
      return { ...outcome, bounded: Date.now() - started < 5_000 };
    },
    expected: { http: 503, bounded: true },
    timeoutMs: 15_000,
  },
  rsCase('JWK set answering garbage: 503', 'jwks-garbage', 'privateKey', { kid: 'k1' }, 503),
  dashboardCase('dashboard without a token', () => ({}), 'unauthorized'),
  dashboardCase(
    'dashboard with alg none',
    () => ({ token: unsignedToken({ alg: 'none' }, dashboardClaims()) }),
    'unauthorized',
  ),
  dashboardCase(
    'dashboard with an agent token',
    async () => ({ token: await signToken(claims()) }),
    'forbidden',
  ),
  dashboardCase(
    'dashboard with an expired token',
    async () => ({ token: await signToken({ ...dashboardClaims(), exp: now() - 60 }) }),
    'unauthorized',
  ),
  dashboardCase('dashboard token as a number', () => ({ token: 12345 }), 'unauthorized'),
  {
    // Not a seq: answered like a since that cannot be honoured, with a (reset) snapshot.
    group: 'tokens',
    name: 'dashboard with since = -1: a snapshot, not a refusal',
    act: async ({ port }) =>
      dashboardWith(port, { token: await signToken(dashboardClaims()), since: -1 }),
    expected: { connected: true },
  },
];

/** Keys of the RSA and JWKS targets: ours (`kid` k1) and an attacker's. */
export async function makeKeys() {
  const ours = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(ours.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const otherJwk = { ...(await exportJWK(other.publicKey)), alg: 'RS256' };
  return { ours, other, jwk, otherJwk };
}
