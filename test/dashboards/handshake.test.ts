import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard, refusedDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, dashboardToken, sign } from '../support/tokens.js';

describe('dashboard handshake', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 60_000 },
      allowedOrigins: ['https://ops.example.com'],
    });
    h.monitor.register('hs-a1', 'planner', { tenant: 'acme' });
    h.monitor.register('hs-a2', 'coder', { tenant: 'acme' });
    h.monitor.register('hs-g1', 'planner', { tenant: 'globex' });
  });
  afterAll(() => h.close());

  it('refuses a missing, bad or expired token with unauthorized', async () => {
    expect(await refusedDashboard(h.baseUrl, {})).toBe('unauthorized');
    expect(await refusedDashboard(h.baseUrl, { token: 'nope' })).toBe('unauthorized');
    expect(await refusedDashboard(h.baseUrl, { token: 42 })).toBe('unauthorized');
    const expired = await sign({
      sub: 'u',
      scope: 'sessions:read',
      expiresAt: Date.now() - 60_000,
    });
    expect(await refusedDashboard(h.baseUrl, { token: expired })).toBe('unauthorized');
    const forged = await sign({ sub: 'u', scope: 'sessions:read', secret: 'x'.repeat(32) });
    expect(await refusedDashboard(h.baseUrl, { token: forged })).toBe('unauthorized');
  });

  it('refuses a token without sessions:read with forbidden', async () => {
    expect(await refusedDashboard(h.baseUrl, { token: await agentToken('hs-x') })).toBe(
      'forbidden',
    );
    const none = await sign({ sub: 'u' });
    expect(await refusedDashboard(h.baseUrl, { token: none })).toBe('forbidden');
  });

  it('answers a since that is not a non-negative integer with a reset snapshot', async () => {
    const token = await dashboardToken();
    for (const since of ['abc', -1, 1.5, { seq: 3 }]) {
      const dash = await connectDashboard(h.baseUrl, { token, since });
      expect(await dash.next('snapshot')).toMatchObject({ reset: true });
      dash.close();
    }
  });

  it('refuses a browser Origin outside the allowed list, before Socket.IO', async () => {
    const token = await dashboardToken();
    const evil = { origin: 'https://evil.example' };
    const before = h.logs.lines.length;
    // Socket.IO's `cors` option guards polling only: the WebSocket transport must be refused too.
    expect(await refusedDashboard(h.baseUrl, { token }, evil, 'websocket')).toBe('websocket error');
    expect(await refusedDashboard(h.baseUrl, { token }, evil, 'polling')).toBe('xhr poll error');
    expect(h.logs.lines.slice(before).some((l) => l.msg === 'dashboard connected')).toBe(false);
    const ok = await connectDashboard(h.baseUrl, { token });
    await ok.next('snapshot');
    ok.close();
  });

  it("sends a snapshot of the tenant's sessions right after connecting", async () => {
    const dash = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'acme' }),
    });
    const snapshot = await dash.next('snapshot');
    expect(snapshot['reset']).toBe(false);
    expect(snapshot['seq']).toBe(h.gateway.events.seq);
    const sessions = snapshot['sessions'] as Record<string, unknown>[];
    expect(sessions.map((s) => s['session']).sort()).toEqual(['hs-a1', 'hs-a2']);
    expect(sessions[0]).toMatchObject({
      agentType: expect.any(String),
      tenant: 'acme',
      state: 'healthy',
      connected: false,
      paused: false,
      healthy: true,
      missedBeats: 0,
      lastBeat: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msSinceBeat: expect.any(Number),
      registeredAt: expect.stringMatching(/Z$/),
    });
    expect(await h.connections('dashboard')).toBeGreaterThanOrEqual(1);
    dash.close();
  });

  it('the default tenant sees only its own', async () => {
    const dash = await connectDashboard(h.baseUrl, { token: await dashboardToken() });
    const snapshot = await dash.next('snapshot');
    expect(snapshot['sessions']).toEqual([]);
    dash.close();
  });
});
