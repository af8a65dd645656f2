import { expect, it } from 'vitest';
import { connectDashboard } from '../support/dashboard-socket.js';
import { startHarness } from '../support/harness.js';
import { dashboardToken } from '../support/tokens.js';

it('shutdown drops dashboards so that they reconnect (transport close, not a server disconnect)', async () => {
  const h = await startHarness({ policy: { timeoutMs: 60_000 } });
  const dash = await connectDashboard(h.baseUrl, { token: await dashboardToken() });
  await dash.next('snapshot');
  const reason = new Promise<string>((resolve) => dash.socket.once('disconnect', resolve));
  await h.close();
  // "io server disconnect" would tell socket.io-client not to reconnect.
  expect(await reason).toBe('transport close');
});
