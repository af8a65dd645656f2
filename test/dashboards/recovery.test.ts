import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { dashboardToken } from '../support/tokens.js';

describe('since recovery', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
    token = await dashboardToken({ tenant: 'acme' });
  });
  afterAll(() => h.close());

  it('re-sends exactly what was missed, in order, instead of a snapshot', async () => {
    const first = await connectDashboard(h.baseUrl, { token });
    const snapshot = await first.next('snapshot');
    h.monitor.register('rc-1', 'w', { tenant: 'acme' });
    const seen = await first.next('transition');
    expect(seen['seq']).toBe(Number(snapshot['seq']) + 1);
    first.close();

    h.monitor.pause('rc-1', { tenant: 'acme', by: 'api', reason: 'r1' });
    h.monitor.register('rc-other', 'w', { tenant: 'globex' });
    h.monitor.resume('rc-1', { tenant: 'acme', by: 'dashboard' });
    h.monitor.register('rc-2', 'w', { tenant: 'acme' });
    const missed = h.gateway.events.since(Number(seen['seq']))?.filter((t) => t.tenant === 'acme');
    expect(missed?.map((t) => t.kind)).toEqual(['paused', 'resumed', 'registered']);

    const again = await connectDashboard(h.baseUrl, { token, since: seen['seq'] });
    const replayed = [
      await again.next('transition'),
      await again.next('transition'),
      await again.next('transition'),
    ];
    expect(replayed).toEqual(missed?.map((t) => ({ ...t })));
    // Then live, with no snapshot in between.
    h.monitor.unregister('rc-2', { tenant: 'acme' });
    expect(await again.next('transition')).toMatchObject({ kind: 'unregistered', session: 'rc-2' });
    expect(again.pending('snapshot')).toEqual([]);
    again.close();
  });

  it('gives nothing but the live stream when since is the latest seq', async () => {
    const dash = await connectDashboard(h.baseUrl, { token, since: h.gateway.events.seq });
    h.monitor.register('rc-live', 'w', { tenant: 'acme' });
    expect(await dash.next('transition')).toMatchObject({ session: 'rc-live' });
    expect(dash.pending('snapshot')).toEqual([]);
    dash.close();
  });

  it('answers a since from the future (another deployment, a restart) with a reset snapshot', async () => {
    const dash = await connectDashboard(h.baseUrl, { token, since: h.gateway.events.seq + 1000 });
    const snapshot = await dash.next('snapshot');
    expect(snapshot).toMatchObject({ reset: true, seq: h.gateway.events.seq });
    dash.close();
  });
});

describe('since past the retained log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 60_000 },
      limits: { retainEvents: 5, retainMs: 1 },
    });
  });
  afterAll(() => h.close());

  it('sends a snapshot with reset true', async () => {
    h.monitor.register('old-1', 'w');
    for (let i = 0; i < 10; i++) {
      h.monitor.pause('old-1', { by: 'api' });
      h.monitor.resume('old-1', { by: 'api' });
      await new Promise((resolve) => setTimeout(resolve, 2)); // age past retainMs
    }
    expect(h.gateway.events.since(1)).toBeUndefined();
    const dash = await connectDashboard(h.baseUrl, { token: await dashboardToken(), since: 1 });
    const snapshot = await dash.next('snapshot');
    expect(snapshot).toMatchObject({ reset: true, seq: 21 });
    expect((snapshot['sessions'] as unknown[]).length).toBe(1);
    expect(dash.pending('transition')).toEqual([]);
    dash.close();
  });
});
