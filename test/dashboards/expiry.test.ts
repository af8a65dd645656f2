import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { expiryIn, sign } from '../support/tokens.js';

describe('dashboard token expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('drops the dashboard at its token exp, so that it reconnects with a fresh one', async () => {
    const exp = expiryIn(300);
    const token = await sign({ sub: 'ops', scope: 'sessions:read', expiresAt: exp });
    const dash = await connectDashboard(h.baseUrl, { token });
    await dash.next('snapshot');
    const reason = await new Promise<string>((resolve) => dash.socket.once('disconnect', resolve));
    expect(reason).toBe('transport close');
    expect(Date.now()).toBeGreaterThanOrEqual(exp - 5);
    await h.logs.waitFor((l) => l.msg === 'dashboard token expired' && l['user'] === 'ops');
  });
});
