import { describe, expect, it } from 'vitest';
import { canControl, readClaims } from '../../web/dashboard/jwt-claims.js';
import {
  forgetToken,
  takeToken,
  TOKEN_STORAGE_KEY,
  tokenFromHash,
  type TokenSurfaces,
} from '../../web/dashboard/token-source.js';

function jwt(payload: object): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;
}

describe('readClaims', () => {
  it('reads scope, subject, tenant and expiry without verifying', () => {
    const c = readClaims(
      jwt({ sub: 'ops-ü', scope: 'sessions:read sessions:control', tenant: 'acme', exp: 10 }),
    );
    expect(c.subject).toBe('ops-ü');
    expect(c.tenant).toBe('acme');
    expect(c.expiresAt).toBe(10_000);
    expect(canControl(c)).toBe(true);
  });

  it('gives no control to a read-only, malformed or hostile token', () => {
    expect(canControl(readClaims(jwt({ scope: 'sessions:read' })))).toBe(false);
    expect(canControl(readClaims('not a token'))).toBe(false);
    expect(canControl(readClaims('a.!!!.c'))).toBe(false);
    expect(canControl(readClaims(jwt({ scope: ['sessions:control'] })))).toBe(false);
    expect(readClaims(jwt({})).tenant).toBe('default');
    const proto = readClaims(
      `x.${Buffer.from('{"__proto__":{"scope":"x"}}').toString('base64url')}.y`,
    );
    expect(proto.scopes.size).toBe(0);
  });
});

function surfaces(hash: string, stored?: string) {
  const storage = new Map<string, string>();
  if (stored !== undefined) storage.set(TOKEN_STORAGE_KEY, stored);
  const replaced: string[] = [];
  const s: TokenSurfaces = {
    location: { hash, pathname: '/', search: '?x=1' },
    history: { state: null, replaceState: (_d, _t, url) => replaced.push(String(url)) },
    storage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
      removeItem: (k) => void storage.delete(k),
    },
  };
  return { s, storage, replaced };
}

describe('takeToken', () => {
  it('takes the token from the fragment, stores it and cleans the address bar', () => {
    const { s, storage, replaced } = surfaces('#token=abc.def.ghi');
    expect(takeToken(s)).toBe('abc.def.ghi');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc.def.ghi');
    expect(replaced).toEqual(['/?x=1']);
  });

  it('falls back to sessionStorage, then to nothing', () => {
    const { s, replaced } = surfaces('', 'stored');
    expect(takeToken(s)).toBe('stored');
    expect(replaced).toEqual([]);
    forgetToken(s);
    expect(takeToken(s)).toBeUndefined();
  });

  it('reads token among other fragment parameters', () => {
    expect(tokenFromHash('#a=1&token=t')).toBe('t');
    expect(tokenFromHash('#token=')).toBeUndefined();
    expect(tokenFromHash('')).toBeUndefined();
  });
});
