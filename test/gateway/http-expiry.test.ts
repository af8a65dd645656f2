import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS } from '../../server/auth/index.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, expiryIn, sign } from '../support/tokens.js';

/** The verifier's clock tolerance: a token is accepted until `exp` plus this. */
const TOLERANCE_MS = CLOCK_TOLERANCE_SECONDS * 1000;

describe('HTTP API and token expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
  });
  afterAll(() => h.close());

  const beat = (session: string, token: string) =>
    fetch(`${h.baseUrl}/v1/sessions/${session}/beat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });

  it('accepts a token past its exp inside the tolerance, verified and then remembered', async () => {
    // `exp` 2 to 3 s past; `exp + tolerance` 2 to 3 s ahead.
    const exp = expiryIn(2000) - TOLERANCE_MS;
    expect(exp).toBeLessThan(Date.now() - 1000);
    const token = await agentToken('he-grace', { expiresAt: exp });
    expect((await beat('he-grace', token)).status).toBe(200);
    expect((await beat('he-grace', token)).status).toBe(200); // answered from the cache
    const read = await sign({ sub: 'ops', scope: 'sessions:read', expiresAt: exp });
    const res = await fetch(`${h.baseUrl}/v1/sessions/he-grace`, {
      headers: { authorization: `Bearer ${read}` },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a token past exp + tolerance with 401', async () => {
    const exp = Math.floor(Date.now() / 1000) * 1000 - TOLERANCE_MS - 1000;
    const res = await beat('he-late', await agentToken('he-late', { expiresAt: exp }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(h.monitor.getStatus('he-late')).toBeUndefined();
  });
});
