import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentIdentity,
  CLOCK_TOLERANCE_SECONDS,
  createTokenVerifier,
  dashboardIdentity,
  mintToken,
  parseTtl,
  readBearer,
  type TokenVerifier,
} from '../../server/auth/index.js';
import { ConfigError } from '../../server/config/index.js';
import { PulsegateError } from '../../shared/errors.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const now = () => Math.floor(Date.now() / 1000);

function sign(
  claims: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
  alg: string,
  kid?: string,
) {
  return new SignJWT(claims)
    .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
    .sign(key);
}

const secretKey = new TextEncoder().encode(SECRET);
const agentClaims = () => ({ sub: 's1', scope: 'agent', agent_type: 'planner', exp: now() + 60 });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PulsegateError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('HS256 verifier', () => {
  it('verifies a token and reads the principal', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    const p = await v.verify(await sign({ ...agentClaims(), tenant: 'acme' }, secretKey, 'HS256'));
    expect(p.subject).toBe('s1');
    expect(p.tenant).toBe('acme');
    expect([...p.scopes]).toEqual(['agent']);
    expect(p.agentType).toBe('planner');
    expect(p.expiresAt).toBeGreaterThan(Date.now());
  });

  it('defaults the tenant and splits scopes', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    const token = await sign(
      { sub: 'alice', scope: 'sessions:read  sessions:control', exp: now() + 60 },
      secretKey,
      'HS256',
    );
    const p = await v.verify(token);
    expect(p.tenant).toBe('default');
    expect(dashboardIdentity(p)).toMatchObject({ user: 'alice', canControl: true });
  });

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['empty', async () => ''],
    [
      'wrong secret',
      async () => sign(agentClaims(), new TextEncoder().encode('x'.repeat(40)), 'HS256'),
    ],
    [
      'missing exp',
      async () => sign({ sub: 's1', scope: 'agent', agent_type: 't' }, secretKey, 'HS256'),
    ],
    ['missing sub', async () => sign({ scope: 'agent', exp: now() + 60 }, secretKey, 'HS256')],
    ['expired', async () => sign({ ...agentClaims(), exp: now() - 10 }, secretKey, 'HS256')],
    ['not yet valid', async () => sign({ ...agentClaims(), nbf: now() + 30 }, secretKey, 'HS256')],
    ['HS512', async () => sign(agentClaims(), secretKey, 'HS512')],
    ['bad tenant', async () => sign({ ...agentClaims(), tenant: 'a b' }, secretKey, 'HS256')],
    [
      'non-string scope',
      async () => sign({ ...agentClaims(), scope: ['agent'] }, secretKey, 'HS256'),
    ],
    [
      'alg none',
      async () => {
        const body = Buffer.from(JSON.stringify(agentClaims())).toString('base64url');
        return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
      },
    ],
  ])('refuses %s as unauthorized', async (_name, make) => {
    const v = await createTokenVerifier({ secret: SECRET });
    expect(await codeOf(v.verify(await make()))).toBe('unauthorized');
  });

  it('accepts access-token typ values only', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    const typed = (typ: string) =>
      new SignJWT(agentClaims()).setProtectedHeader({ alg: 'HS256', typ }).sign(secretKey);
    expect(await codeOf(v.verify(await typed('JWT')))).toBe('ok');
    expect(await codeOf(v.verify(await typed('at+jwt')))).toBe('ok');
    expect(await codeOf(v.verify(await typed('application/at+jwt')))).toBe('ok');
    expect(await codeOf(v.verify(await typed('dpop+jwt')))).toBe('unauthorized');
    expect(await codeOf(v.verify(await typed('logout+jwt')))).toBe('unauthorized');
  });

  it('refuses an unknown crit header', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    const token = await new SignJWT(agentClaims())
      .setProtectedHeader({ alg: 'HS256', crit: ['x-p'], 'x-p': 1 })
      .sign(secretKey)
      .catch(() => undefined);
    // jose refuses to sign an unknown crit too; build it by hand when it does.
    const raw =
      token ??
      (() => {
        const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const input = `${enc({ alg: 'HS256', crit: ['x-p'], 'x-p': 1 })}.${enc(agentClaims())}`;
        const sig = createHmac('sha256', secretKey).update(input).digest('base64url');
        return `${input}.${sig}`;
      })();
    expect(await codeOf(v.verify(raw))).toBe('unauthorized');
  });

  it('honours a 5 s clock tolerance on exp and nbf', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    expect(
      await codeOf(v.verify(await sign({ ...agentClaims(), exp: now() - 3 }, secretKey, 'HS256'))),
    ).toBe('ok');
    expect(
      await codeOf(v.verify(await sign({ ...agentClaims(), nbf: now() + 3 }, secretKey, 'HS256'))),
    ).toBe('ok');
    expect(
      await codeOf(v.verify(await sign({ ...agentClaims(), exp: now() - 8 }, secretKey, 'HS256'))),
    ).toBe('unauthorized');
  });

  it('takes the time from the injected clock', async () => {
    const token = await sign({ ...agentClaims(), exp: now() + 60 }, secretKey, 'HS256');
    const later = await createTokenVerifier({
      secret: SECRET,
      clock: { now: () => Date.now() + 120_000 },
    });
    expect(await codeOf(later.verify(token))).toBe('unauthorized');
  });

  it('requires iss and aud when configured', async () => {
    const v = await createTokenVerifier({
      secret: SECRET,
      issuer: 'https://idp',
      audience: 'pulsegate',
    });
    const good = await sign(
      { ...agentClaims(), iss: 'https://idp', aud: 'pulsegate' },
      secretKey,
      'HS256',
    );
    expect(await codeOf(v.verify(good))).toBe('ok');
    const noIss = await sign({ ...agentClaims(), aud: 'pulsegate' }, secretKey, 'HS256');
    expect(await codeOf(v.verify(noIss))).toBe('unauthorized');
    const badAud = await sign(
      { ...agentClaims(), iss: 'https://idp', aud: 'other' },
      secretKey,
      'HS256',
    );
    expect(await codeOf(v.verify(badAud))).toBe('unauthorized');
  });
});

describe('verified-token cache', () => {
  const REMEMBER = { remember: true };

  it('remembers only when asked to (HTTP), not for a connect', async () => {
    const v = await createTokenVerifier({ secret: SECRET });
    const token = await sign(agentClaims(), secretKey, 'HS256');
    expect(await v.verify(token)).not.toBe(await v.verify(token));
    const remembered = await v.verify(token, REMEMBER);
    expect(await v.verify(token)).toBe(remembered);
  });

  it('answers a token again until its exp + tolerance, exactly as long as jose accepts it', async () => {
    let t = Date.now();
    const clock = { now: () => t };
    const v = await createTokenVerifier({ secret: SECRET, clock });
    const uncached = await createTokenVerifier({ secret: SECRET, clock, cacheEntries: 0 });
    const exp = Math.floor(t / 1000) + 60;
    const token = await sign({ ...agentClaims(), exp }, secretKey, 'HS256');
    const first = await v.verify(token, REMEMBER);
    // One notion of expired: `expiresAt` is exp plus the tolerance.
    expect(first.expiresAt).toBe((exp + CLOCK_TOLERANCE_SECONDS) * 1000);
    expect(await v.verify(token, REMEMBER)).toBe(first); // the cached principal
    // Past exp, inside the tolerance: still the cached principal, and jose agrees.
    t = exp * 1000 + 2_000;
    expect(v.recall?.(token)).toBe(first);
    expect(await v.verify(token, REMEMBER)).toBe(first);
    expect(await codeOf(uncached.verify(token))).toBe('ok');
    // The last millisecond of the tolerance, then the first refused one, for both.
    t = first.expiresAt - 1;
    expect(v.recall?.(token)).toBe(first);
    expect(await codeOf(uncached.verify(token))).toBe('ok');
    t = first.expiresAt;
    expect(v.recall?.(token)).toBeUndefined();
    expect(await codeOf(v.verify(token, REMEMBER))).toBe('unauthorized');
    expect(await codeOf(uncached.verify(token))).toBe('unauthorized');
  });

  it('folds a configured tolerance into expiresAt and the cache window alike', async () => {
    let t = Date.now();
    const v = await createTokenVerifier({
      secret: SECRET,
      clock: { now: () => t },
      clockToleranceSeconds: 1,
    });
    const exp = Math.floor(t / 1000) + 60;
    const token = await sign({ ...agentClaims(), exp }, secretKey, 'HS256');
    const first = await v.verify(token, REMEMBER);
    expect(first.expiresAt).toBe((exp + 1) * 1000);
    t = first.expiresAt - 1;
    expect(await v.verify(token, REMEMBER)).toBe(first);
    t = first.expiresAt;
    expect(await codeOf(v.verify(token, REMEMBER))).toBe('unauthorized');
  });

  it('never answers before nbf, when the clock moves back', async () => {
    let t = Date.now();
    const v = await createTokenVerifier({ secret: SECRET, clock: { now: () => t } });
    const nbf = Math.floor(t / 1000) + 100;
    const token = await sign({ ...agentClaims(), nbf, exp: nbf + 600 }, secretKey, 'HS256');
    t += 100_000;
    expect(await codeOf(v.verify(token, REMEMBER))).toBe('ok');
    t -= 100_000;
    expect(await codeOf(v.verify(token, REMEMBER))).toBe('unauthorized');
  });

  it('keeps no verdict of a refused token, and a bounded number of good ones', async () => {
    const v = await createTokenVerifier({ secret: SECRET, cacheEntries: 2 });
    const tokens = await Promise.all(
      ['a', 'b', 'c'].map((sub) => sign({ ...agentClaims(), sub }, secretKey, 'HS256')),
    );
    const principals = [];
    for (const token of tokens) principals.push(await v.verify(token, REMEMBER));
    // The oldest was dropped: verified anew (a new object), the two newest were kept.
    expect(await v.verify(tokens[2] ?? '', REMEMBER)).toBe(principals[2]);
    expect(await v.verify(tokens[0] ?? '', REMEMBER)).not.toBe(principals[0]);
    const forged = `${(tokens[0] ?? '').slice(0, -2)}AA`;
    expect(await codeOf(v.verify(forged, REMEMBER))).toBe('unauthorized');
    expect(await codeOf(v.verify(forged, REMEMBER))).toBe('unauthorized');
  });
});

describe('public key verifiers', () => {
  it.each(['RS256', 'ES256', 'EdDSA'])(
    'verifies %s with a PEM key and refuses other keys',
    async (alg) => {
      const pair = await generateKeyPair(alg, { extractable: true });
      const pem = await exportSPKI(pair.publicKey);
      const v = await createTokenVerifier({ publicKey: pem });
      expect((await v.verify(await sign(agentClaims(), pair.privateKey, alg))).subject).toBe('s1');
      const other = await generateKeyPair(alg);
      expect(await codeOf(v.verify(await sign(agentClaims(), other.privateKey, alg)))).toBe(
        'unauthorized',
      );
      // HS256 signed with the public key's own text: the classic algorithm confusion.
      const confused = await sign(agentClaims(), new TextEncoder().encode(pem), 'HS256');
      expect(await codeOf(v.verify(confused))).toBe('unauthorized');
    },
  );

  it('refuses a PEM key of an unsupported type at start-up', async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    const pem = await exportSPKI(pair.publicKey);
    await expect(createTokenVerifier({ publicKey: pem })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('remote JWK set', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  async function serveJwks(body: () => string | undefined): Promise<string> {
    server = createServer((_req, res) => {
      const text = body();
      if (text === undefined) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  it('verifies RS256, ES256 and EdDSA keys by kid, never HS*', async () => {
    const pairs = await Promise.all(
      ['RS256', 'ES256', 'EdDSA'].map(async (alg) => ({
        alg,
        ...(await generateKeyPair(alg, { extractable: true })),
      })),
    );
    const keys = await Promise.all(
      pairs.map(async (p) => ({ ...(await exportJWK(p.publicKey)), kid: p.alg, alg: p.alg })),
    );
    const url = await serveJwks(() => JSON.stringify({ keys }));
    const v = await createTokenVerifier({ jwksUrl: url });
    for (const p of pairs) {
      expect((await v.verify(await sign(agentClaims(), p.privateKey, p.alg, p.alg))).subject).toBe(
        's1',
      );
    }
    expect(await codeOf(v.verify(await sign(agentClaims(), secretKey, 'HS256', 'RS256')))).toBe(
      'unauthorized',
    );
  });

  it('answers unavailable when the set was never reachable', async () => {
    const url = await serveJwks(() => undefined);
    const pair = await generateKeyPair('ES256');
    const v: TokenVerifier = await createTokenVerifier({ jwksUrl: url });
    expect(await codeOf(v.verify(await sign(agentClaims(), pair.privateKey, 'ES256', 'k1')))).toBe(
      'unavailable',
    );
  });

  it('keeps the last good keys through an outage', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    let up = true;
    let fetches = 0;
    const url = await serveJwks(() => {
      fetches += 1;
      return up ? JSON.stringify({ keys: [jwk] }) : undefined;
    });
    const v = await createTokenVerifier({
      jwksUrl: url,
      jwks: { cacheMaxAgeMs: 0, cooldownMs: 0 },
    });
    const token = await sign(agentClaims(), pair.privateKey, 'ES256', 'k1');
    expect(await codeOf(v.verify(token))).toBe('ok');
    up = false;
    const before = fetches;
    expect(await codeOf(v.verify(token))).toBe('ok');
    expect(fetches).toBeGreaterThan(before);
    // A key the last set did not hold cannot be checked while the set is down.
    const other = await sign(
      agentClaims(),
      (await generateKeyPair('ES256')).privateKey,
      'ES256',
      'k2',
    );
    expect(await codeOf(v.verify(other))).toBe('unavailable');
    // A token signed by a known kid but another key is still simply invalid.
    const forged = await sign(
      agentClaims(),
      (await generateKeyPair('ES256')).privateKey,
      'ES256',
      'k1',
    );
    expect(await codeOf(v.verify(forged))).toBe('unauthorized');
    // A dead server (connection refused) is an outage too.
    await new Promise((r) => server?.close(r));
    server = undefined;
    expect(await codeOf(v.verify(token))).toBe('ok');
  });
});

describe('identities', () => {
  async function principal(claims: Record<string, unknown>) {
    const v = await createTokenVerifier({ secret: SECRET });
    return v.verify(await sign({ exp: now() + 60, ...claims }, secretKey, 'HS256'));
  }

  it('refuses a bad sub or agent_type as invalid (401), and checks the scope before absent claims', async () => {
    // A malformed agent_type makes the token invalid whatever its scope (contract section 2).
    expect(await codeOf(principal({ sub: 'bad id!', agent_type: 'bad type!' }))).toBe(
      'unauthorized',
    );
    expect(await codeOf(principal({ sub: 'u', scope: 'sessions:read', agent_type: 'a b' }))).toBe(
      'unauthorized',
    );
    // An agent's token (it carries agent_type) with a sub that is no session id: invalid too.
    expect(await codeOf(principal({ sub: 'bad id!', agent_type: 't' }))).toBe('unauthorized');
    // A valid token without the agent scope, or with no scope at all: forbidden.
    const p = await principal({ sub: 's1', agent_type: 't' });
    expect(() => agentIdentity(p)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    const d = await principal({ sub: 'user with spaces', scope: 'sessions:read' });
    expect(() => agentIdentity(d)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(await codeOf(principal({ sub: 'bad id!', scope: 'agent', agent_type: 't' }))).toBe(
      'unauthorized',
    );
    expect(await codeOf(principal({ sub: 's1', scope: 'agent', agent_type: 'bad type!' }))).toBe(
      'unauthorized',
    );
    const s = await principal({ sub: 's1', scope: 'agent' });
    expect(() => agentIdentity(s)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    expect(
      agentIdentity(await principal({ sub: 'a:b.c-d_e', scope: 'x agent', agent_type: 't' })),
    ).toMatchObject({
      session: 'a:b.c-d_e',
      agentType: 't',
      tenant: 'default',
    });
  });

  it('needs sessions:read for a dashboard', async () => {
    const p = await principal({ sub: 'user with spaces', scope: 'sessions:control' });
    expect(() => dashboardIdentity(p)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    const q = await principal({ sub: 'user with spaces', scope: 'sessions:read', tenant: 't2' });
    expect(dashboardIdentity(q)).toEqual({
      user: 'user with spaces',
      tenant: 't2',
      canControl: false,
      expiresAt: q.expiresAt,
    });
  });
});

describe('minting', () => {
  it('mints tokens the verifier accepts', async () => {
    const token = await mintToken({
      secret: SECRET,
      sub: 'w1',
      scope: 'agent',
      agentType: 'planner',
      tenant: 'acme',
      ttlSeconds: 60,
    });
    const v = await createTokenVerifier({ secret: SECRET });
    expect(agentIdentity(await v.verify(token))).toMatchObject({
      session: 'w1',
      agentType: 'planner',
      tenant: 'acme',
    });
  });

  it('parses lifetimes', () => {
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('15m')).toBe(900);
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('2d')).toBe(172800);
    expect(parseTtl('0')).toBeUndefined();
    expect(parseTtl('1y')).toBeUndefined();
    expect(parseTtl('-1h')).toBeUndefined();
  });

  it('reads bearer headers', () => {
    expect(readBearer('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(readBearer('bearer x')).toBe('x');
    expect(readBearer('Basic abc')).toBeUndefined();
    expect(readBearer(undefined)).toBeUndefined();
  });
});
