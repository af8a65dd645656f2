import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, refusedUpgrade } from '../support/agent-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken } from '../support/tokens.js';

describe('agent endpoint shutdown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 }, limits: { shutdownSpreadMs: 1_200 } });
  });
  afterAll(() => h.close()); // idempotent

  it('closes every agent with 1001, spread over the window, then refuses upgrades with 503', async () => {
    const agents = await Promise.all(
      ['sd-1', 'sd-2', 'sd-3', 'sd-4'].map(
        async (s) => (await connectAgent(h.agentUrl, await agentToken(s))).agent,
      ),
    );
    expect(await h.connections('agent')).toBe(4);
    const times: number[] = [];
    const codes = agents.map((a) =>
      a.closed.then((c) => {
        times.push(Date.now());
        return c.code;
      }),
    );
    const started = Date.now();
    const done = h.close();
    const refused = await refusedUpgrade(h.agentUrl, {
      authorization: `Bearer ${await agentToken('sd-5')}`,
    });
    expect(refused.status).toBe(503);
    expect(await Promise.all(codes)).toEqual([1001, 1001, 1001, 1001]);
    await done;
    expect(await h.connections('agent')).toBe(0);
    // Spread: 4 agents over 1.2 s close at 0, 300, 600 and 900 ms. Overdue closes are caught
    // up at once, so a loaded machine may bunch a few; never all of them.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...times) - started).toBeLessThan(4_000);
    // A shutdown close is a disconnect: the sessions stay, to resume elsewhere.
    expect(h.monitor.getStatus('sd-1')?.connected).toBe(false);
  });
});
