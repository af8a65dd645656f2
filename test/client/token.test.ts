import { describe, expect, it } from 'vitest';
import { fetchToken, refreshDelay, tokenExpiry } from '../../client/token.js';

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function jwt(payload: object): string {
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2ln`;
}

describe('tokenExpiry', () => {
  it('reads exp from the payload, in ms, without verifying', () => {
    expect(tokenExpiry(jwt({ sub: 's1', exp: 1_767_225_600 }))).toBe(1_767_225_600_000);
  });

  it('decodes base64url payloads with - and _ and no padding, and UTF-8 text', () => {
    // '~~~' and '???' make + and / in plain base64, - and _ in base64url.
    const token = jwt({ sub: 'é~~~???', exp: 12 });
    expect(token.split('.')[1]).toMatch(/[-_]/);
    expect(tokenExpiry(token)).toBe(12_000);
  });

  it('returns undefined for anything that is not a JWT with a numeric exp', () => {
    expect(tokenExpiry('opaque-token')).toBeUndefined();
    expect(tokenExpiry('a.b')).toBeUndefined();
    expect(tokenExpiry('a.!!!.c')).toBeUndefined();
    expect(tokenExpiry(`x.${b64url('not json')}.y`)).toBeUndefined();
    expect(tokenExpiry(`x.${b64url('[1,2]')}.y`)).toBeUndefined();
    expect(tokenExpiry(jwt({ exp: '12' }))).toBeUndefined();
    expect(tokenExpiry(jwt({ sub: 's1' }))).toBeUndefined();
    expect(tokenExpiry(`x.${Buffer.from([0xff, 0xfe]).toString('base64url')}.y`)).toBeUndefined();
  });
});

describe('refreshDelay', () => {
  const now = 1_000_000;
  it('refreshes a margin ahead of expiry', () => {
    expect(refreshDelay(now + 3_600_000, now, 30_000)).toBe(3_570_000);
  });
  it('refreshes a short-lived token at half its remaining life', () => {
    expect(refreshDelay(now + 10_000, now, 30_000)).toBe(5_000);
    expect(refreshDelay(now + 60_000, now, 30_000)).toBe(30_000);
  });
  it('refreshes an expired token at once', () => {
    expect(refreshDelay(now - 1, now, 30_000)).toBe(0);
    expect(refreshDelay(now, now, 30_000)).toBe(0);
  });
});

describe('fetchToken', () => {
  it('takes a string or a sync or async function', async () => {
    expect(await fetchToken('t')).toBe('t');
    expect(await fetchToken(() => 'u')).toBe('u');
    expect(await fetchToken(async () => 'v')).toBe('v');
  });
});
