import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { stalledDashboard } from '../support/stalled-dashboard.js';
import { dashboardToken } from '../support/tokens.js';

describe('a dashboard that reads too slowly', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 60_000 },
      limits: { dashboardBufferBytes: 64 * 1024 },
    });
  });
  afterAll(() => h.close());

  it('is disconnected past the buffer limit, while a reading one keeps up', async () => {
    const token = await dashboardToken({ tenant: 'acme' });
    const healthy = await connectDashboard(h.baseUrl, { token });
    await healthy.next('snapshot');
    const stalled = await stalledDashboard(h.port, token);
    const stalledClosed = new Promise<void>((resolve) => stalled.ws.once('close', () => resolve()));
    const cut = h.logs.waitFor((l) => l.msg === 'dashboard disconnected: reads too slowly');
    let cutSeen = false;
    void cut.then(() => (cutSeen = true));

    h.monitor.register('sl-1', 'w', { tenant: 'acme' });
    const reason = 'r'.repeat(256);
    let sent = 1;
    // Batches across turns of the event loop: a reader that keeps up drains between them.
    for (let batch = 0; batch < 2_000 && !cutSeen; batch++) {
      for (let i = 0; i < 10; i++) {
        h.monitor.pause('sl-1', { tenant: 'acme', by: 'api', reason });
        h.monitor.resume('sl-1', { tenant: 'acme', by: 'api' });
        sent += 2;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const line = await cut;
    expect(line['tenant']).toBe('acme');
    expect(Number(line['bytes'])).toBeGreaterThan(64 * 1024);
    await h.logs.waitFor((l) => l.msg === 'dashboard disconnected' && l['reason'] !== undefined);
    expect(await h.connections('dashboard')).toBe(1);
    // Once it reads again, it finds its connection closed by the gateway.
    stalled.tcp?.resume();
    await stalledClosed;

    // The reading dashboard was never cut and got every transition, in order.
    expect(healthy.socket.connected).toBe(true);
    const last = new Promise<void>((resolve) =>
      healthy.socket.on(
        'transition',
        (t: { kind: string }) => t.kind === 'unregistered' && resolve(),
      ),
    );
    h.monitor.unregister('sl-1', { tenant: 'acme' });
    sent += 1;
    await last;
    expect(healthy.transitions.length).toBe(sent);
    healthy.close();
  });
});
