import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../support/agent-socket.js';
import { connectDashboard, type TestDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, dashboardToken } from '../support/tokens.js';

function refusal(code: string) {
  return { ok: false, error: { code, message: expect.any(String) } };
}

describe('dashboard commands', () => {
  let h: Harness;
  let control: TestDashboard;
  let reader: TestDashboard;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
    h.monitor.register('cm-1', 'planner', { tenant: 'acme' });
    h.monitor.register('cm-2', 'coder', { tenant: 'acme' });
    h.monitor.register('cm-g', 'planner', { tenant: 'globex' });
    control = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'acme', control: true }),
    });
    reader = await connectDashboard(h.baseUrl, { token: await dashboardToken({ tenant: 'acme' }) });
  });
  afterAll(async () => {
    control.close();
    reader.close();
    await h.close();
  });

  it("list acks the tenant's sessions", async () => {
    const ack = await reader.command('list', {});
    expect(ack['ok']).toBe(true);
    const sessions = ack['sessions'] as { session: string; tenant: string }[];
    expect(sessions.map((s) => s.session).sort()).toEqual(['cm-1', 'cm-2']);
    expect(await reader.command('list')).toMatchObject({ ok: true });
  });

  it('pause, resume and unregister act on the session, by dashboard', async () => {
    expect(await control.command('pause', { session: 'cm-1', reason: 'maintenance' })).toEqual({
      ok: true,
    });
    expect(h.monitor.getStatus('cm-1', { tenant: 'acme' })).toMatchObject({
      state: 'paused',
      pausedBy: 'dashboard',
      pauseReason: 'maintenance',
    });
    expect(await control.command('resume', { session: 'cm-1' })).toEqual({ ok: true });
    expect(h.monitor.getStatus('cm-1', { tenant: 'acme' })?.paused).toBe(false);
    const { agent } = await connectAgent(h.agentUrl, await agentToken('cm-1', { tenant: 'acme' }));
    expect(await control.command('unregister', { session: 'cm-1' })).toEqual({ ok: true });
    expect((await agent.closed).code).toBe(4011);
    expect(h.monitor.getStatus('cm-1', { tenant: 'acme' })).toBeUndefined();
  });

  it('refuses control commands without sessions:control as forbidden', async () => {
    expect(await reader.command('pause', { session: 'cm-2' })).toEqual(refusal('forbidden'));
    expect(await reader.command('resume', { session: 'cm-2' })).toEqual(refusal('forbidden'));
    expect(await reader.command('unregister', { session: 'cm-2' })).toEqual(refusal('forbidden'));
    expect(h.monitor.getStatus('cm-2', { tenant: 'acme' })?.state).toBe('healthy');
  });

  it("answers another tenant's session, or an unknown one, with not_found", async () => {
    expect(await control.command('pause', { session: 'cm-g' })).toEqual(refusal('not_found'));
    expect(await control.command('unregister', { session: 'cm-g' })).toEqual(refusal('not_found'));
    expect(await control.command('resume', { session: 'nobody' })).toEqual(refusal('not_found'));
    expect(h.monitor.getStatus('cm-g', { tenant: 'globex' })?.state).toBe('healthy');
  });

  it('refuses malformed arguments as invalid', async () => {
    expect(await control.command('pause', {})).toEqual(refusal('invalid'));
    expect(await control.command('pause', { session: 'bad id!' })).toEqual(refusal('invalid'));
    expect(await control.command('pause', 'cm-2')).toEqual(refusal('invalid'));
    expect(await control.command('pause', { session: 'cm-2', reason: 'x'.repeat(257) })).toEqual(
      refusal('invalid'),
    );
    expect(await control.command('resume', { session: 'cm-2', extra: true })).toEqual(
      refusal('invalid'),
    );
    expect(await control.command('list', { extra: 1 })).toEqual(refusal('invalid'));
    expect(await control.command('subscribe', { agentTypes: 'planner' })).toEqual(
      refusal('invalid'),
    );
    expect(await control.command('subscribe', { sessions: ['ok', 'not ok'] })).toEqual(
      refusal('invalid'),
    );
    expect(await control.command('subscribe', JSON.parse('{"__proto__":{"x":1}}'))).toEqual(
      refusal('invalid'),
    );
  });

  it('ignores a command without an acknowledgement, and unknown events', async () => {
    control.socket.emit('pause', { session: 'cm-2' });
    control.socket.emit('explode', { session: 'cm-2' }, () => {});
    control.socket.emit('toString');
    // Events are handled in order: once this ack is back, the ones above were handled.
    expect(await control.command('list', {})).toMatchObject({ ok: true });
    expect(h.monitor.getStatus('cm-2', { tenant: 'acme' })?.paused).toBe(false);
    expect(control.socket.connected).toBe(true);
  });
});
