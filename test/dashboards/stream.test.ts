import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../support/agent-socket.js';
import { connectDashboard, type TestDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, dashboardToken } from '../support/tokens.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('dashboard transition stream', () => {
  let h: Harness;
  let acme: TestDashboard;
  let globex: TestDashboard;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 60_000 },
      policies: { fastplanner: { timeoutMs: 200, checkIntervalMs: 1_000, maxMissedBeats: 3 } },
    });
    acme = await connectDashboard(h.baseUrl, { token: await dashboardToken({ tenant: 'acme' }) });
    globex = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'globex' }),
    });
    await acme.next('snapshot');
    await globex.next('snapshot');
  });
  afterAll(async () => {
    acme.close();
    globex.close();
    await h.close();
  });

  it('streams every transition of an agent with the contract fields', async () => {
    const before = h.gateway.events.seq;
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('st-1', { tenant: 'acme', agentType: 'fastplanner' }),
    );
    const registered = await acme.next('transition');
    expect(registered).toEqual({
      seq: before + 1,
      at: expect.stringMatching(ISO),
      kind: 'registered',
      session: 'st-1',
      agentType: 'fastplanner',
      tenant: 'acme',
      state: 'healthy',
      missedBeats: 0,
      maxMissedBeats: 3,
    });
    const warning = await acme.next('transition');
    expect(warning).toMatchObject({ kind: 'warning', state: 'warning', missedBeats: 1 });
    // `at` is the nominal deadline: T = 200 ms after the connect.
    expect(Date.parse(String(warning['at'])) - Date.parse(String(registered['at']))).toBe(200);
    agent.send({ type: 'beat', status: 'thinking' });
    expect(await acme.next('transition')).toMatchObject({
      kind: 'recovered',
      state: 'healthy',
      missedBeats: 0,
      status: 'thinking',
    });
    agent.send({ type: 'pause', reason: 'awaiting user input' });
    expect(await acme.next('transition')).toMatchObject({
      kind: 'paused',
      state: 'paused',
      by: 'agent',
      reason: 'awaiting user input',
    });
    agent.ws.close();
    expect(await acme.next('transition')).toMatchObject({ kind: 'disconnected' });
    expect(await acme.next('transition')).toMatchObject({
      kind: 'resumed',
      by: 'gateway',
      reason: 'disconnected',
    });
    expect(await acme.next('transition')).toMatchObject({ kind: 'warning', missedBeats: 1 });
    expect(await acme.next('transition')).toMatchObject({
      kind: 'missed',
      missedBeats: 2,
      state: 'warning',
    });
    expect(await acme.next('transition')).toMatchObject({
      kind: 'timeout',
      missedBeats: 3,
      state: 'timed_out',
    });
    const seqs = acme.transitions.map((t) => Number(t['seq']));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? Infinity);
  });

  it('keeps tenants apart, with one seq for the whole deployment', async () => {
    h.monitor.register('st-g', 'planner', { tenant: 'globex' });
    h.monitor.register('st-a', 'planner', { tenant: 'acme' });
    const g = await globex.next('transition');
    const a = await acme.next('transition');
    expect(g).toMatchObject({ session: 'st-g', tenant: 'globex' });
    expect(a).toMatchObject({ session: 'st-a', tenant: 'acme' });
    expect(Number(a['seq'])).toBe(Number(g['seq']) + 1);
    expect(acme.transitions.some((t) => t['tenant'] !== 'acme')).toBe(false);
    expect(globex.transitions.some((t) => t['tenant'] !== 'globex')).toBe(false);
    h.monitor.unregister('st-g', { tenant: 'globex' });
    h.monitor.unregister('st-a', { tenant: 'acme' });
    await globex.next('transition');
    await acme.next('transition');
  });

  it('subscribe narrows the stream and acks a filtered snapshot', async () => {
    h.monitor.register('st-p', 'planner', { tenant: 'acme' });
    h.monitor.register('st-c', 'coder', { tenant: 'acme' });
    await acme.next('transition');
    await acme.next('transition');
    const ack = await acme.command('subscribe', { agentTypes: ['planner'] });
    expect(ack).toEqual({
      ok: true,
      snapshot: {
        seq: h.gateway.events.seq,
        reset: false,
        sessions: [expect.objectContaining({ session: 'st-p' })],
      },
    });
    h.monitor.pause('st-c', { tenant: 'acme', by: 'api' });
    h.monitor.pause('st-p', { tenant: 'acme', by: 'api' });
    expect(await acme.next('transition')).toMatchObject({
      session: 'st-p',
      kind: 'paused',
      by: 'api',
    });

    // Both lists: a transition must match both.
    const both = await acme.command('subscribe', {
      agentTypes: ['coder'],
      sessions: ['st-p', 'st-c'],
    });
    expect(
      (both['snapshot'] as { sessions: { session: string }[] }).sessions.map((s) => s.session),
    ).toEqual(['st-c']);
    h.monitor.resume('st-p', { tenant: 'acme', by: 'api' });
    h.monitor.resume('st-c', { tenant: 'acme', by: 'api' });
    expect(await acme.next('transition')).toMatchObject({ session: 'st-c', kind: 'resumed' });

    const bySession = await acme.command('subscribe', { sessions: ['st-p'] });
    expect(bySession['ok']).toBe(true);
    h.monitor.unregister('st-c', { tenant: 'acme' });
    h.monitor.unregister('st-p', { tenant: 'acme' });
    expect(await acme.next('transition')).toMatchObject({ session: 'st-p', kind: 'unregistered' });

    // An empty filter is everything again.
    expect(await acme.command('subscribe', {})).toMatchObject({ ok: true });
    expect(await acme.command('subscribe')).toMatchObject({ ok: true });
    h.monitor.register('st-z', 'zeta', { tenant: 'acme' });
    expect(await acme.next('transition')).toMatchObject({ session: 'st-z' });
    expect(acme.pending('transition')).toEqual([]);
  });

  it('a filtered and an unfiltered dashboard of one tenant each get theirs', async () => {
    const other = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'acme' }),
    });
    await other.next('snapshot');
    await other.command('subscribe', { sessions: ['st-only'] });
    h.monitor.register('st-skip', 'w', { tenant: 'acme' });
    h.monitor.register('st-only', 'w', { tenant: 'acme' });
    expect(await other.next('transition')).toMatchObject({ session: 'st-only' });
    expect(await acme.next('transition')).toMatchObject({ session: 'st-skip' });
    expect(await acme.next('transition')).toMatchObject({ session: 'st-only' });
    other.close();
  });
});
