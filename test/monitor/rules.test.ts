import { describe, expect, test } from 'vitest';
import { status } from '../support/sessions.js';
import { harness, T0 } from './harness.js';

const policy = { timeoutMs: 100, checkIntervalMs: 10, maxMissedBeats: 3 };

describe('missed beats (L + T + (k-1)C)', () => {
  test('warning, missed, timeout at their exact deadlines, then the session is gone', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.at(99);
    expect(h.take()).toEqual(['registered@0 a healthy 0']);
    h.at(100);
    expect(h.take()).toEqual(['warning@100 a warning 1']);
    h.at(109);
    expect(h.take()).toEqual([]);
    h.at(110);
    expect(h.take()).toEqual(['missed@110 a warning 2']);
    h.at(120);
    expect(h.take()).toEqual(['timeout@120 a timed_out 3']);
    expect(h.monitor.getStatus('a')).toBeUndefined();
    expect(h.monitor.registeredCount).toBe(0);
    h.at(10_000);
    expect(h.take()).toEqual([]);
    expect(h.monitor.beat('a')).toBe(false);
  });

  test('a beat 1 ms before the deadline prevents the warning; 1 ms after recovers it', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.at(99);
    h.monitor.beat('a');
    h.at(198);
    expect(h.take()).toEqual(['registered@0 a healthy 0']);
    h.at(199);
    expect(h.take()).toEqual(['warning@199 a warning 1']);
    h.at(200);
    expect(h.monitor.beat('a')).toBe(true);
    expect(h.take()).toEqual(['recovered@200 a healthy 0']);
    expect(h.monitor.getStatus('a')?.state).toBe('healthy');
    h.at(299);
    expect(h.take()).toEqual([]);
    h.at(300);
    expect(h.take()).toEqual(['warning@300 a warning 1']);
  });

  test('M = 1: warning then timeout at the same instant', () => {
    const h = harness({ policy: { ...policy, maxMissedBeats: 1 } });
    h.monitor.register('a', 'x');
    h.at(100);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'warning@100 a warning 1',
      'timeout@100 a timed_out 1',
    ]);
  });

  test('M = 2: warning then timeout, no missed', () => {
    const h = harness({ policy: { ...policy, maxMissedBeats: 2 } });
    h.monitor.register('a', 'x');
    h.at(500);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'warning@100 a warning 1',
      'timeout@110 a timed_out 2',
    ]);
  });

  test('a late wake-up stamps every overdue transition with its nominal time, in order', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.at(5);
    h.monitor.register('b', 'x');
    h.clock.set(T0 + 1_000); // the loop was blocked: nothing fired
    h.scheduler.advance(0);
    expect(h.take().slice(2)).toEqual([
      'warning@100 a warning 1',
      'warning@105 b warning 1',
      'missed@110 a warning 2',
      'missed@115 b warning 2',
      'timeout@120 a timed_out 3',
      'timeout@125 b timed_out 3',
    ]);
  });

  test('a beat handled before a late wake-up wins over the overdue deadline', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.clock.set(T0 + 150);
    h.monitor.beat('a');
    h.scheduler.advance(0);
    h.at(249);
    expect(h.take()).toEqual(['registered@0 a healthy 0']);
  });
});

describe('register and connect', () => {
  test('register of a known session is a beat and returns false', () => {
    const h = harness({ policy });
    expect(h.monitor.register('a', 'x', { status: 'one' })).toBe(true);
    h.at(50);
    expect(h.monitor.register('a', 'x', { status: 'two' })).toBe(false);
    expect(h.monitor.getStatus('a')).toMatchObject({ status: 'two', connected: false });
    h.at(149);
    expect(h.take()).toEqual(['registered@0 a healthy 0']);
    h.at(150);
    expect(h.take()).toEqual(['warning@150 a warning 1']);
  });

  test('connect registers, reconnect counts as a beat and recovers a warning', () => {
    const h = harness({ policy });
    expect(h.monitor.connect('a', 'x')).toEqual({ resumed: false, policy });
    expect(h.monitor.getStatus('a')?.connected).toBe(true);
    expect(h.monitor.disconnect('a')).toBe(true);
    expect(h.monitor.disconnect('a')).toBe(false);
    h.at(100);
    expect(h.monitor.connect('a', 'x').resumed).toBe(true);
    h.monitor.connect('a', 'x'); // a replacement connection
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'disconnected@0 a healthy 0',
      'warning@100 a warning 1',
      'reconnected@100 a healthy 0',
      'recovered@100 a healthy 0',
      'reconnected@100 a healthy 0',
    ]);
  });

  test('a reconnect takes the policy of the connecting agent type', () => {
    const h = harness({ policy, policies: { slow: { timeoutMs: 1_000 } } });
    h.monitor.connect('a', 'x');
    expect(h.monitor.connect('a', 'slow').policy).toEqual({ ...policy, timeoutMs: 1_000 });
    h.at(999);
    expect(h.take()).toHaveLength(2);
    h.at(1_000);
    expect(h.transitions[0]).toMatchObject({
      kind: 'warning',
      agentType: 'slow',
      maxMissedBeats: 3,
    });
  });

  test('disconnect of an unknown session does nothing', () => {
    const h = harness({ policy });
    expect(h.monitor.disconnect('nobody')).toBe(false);
    expect(h.take()).toEqual([]);
  });
});

describe('pause and resume', () => {
  test('pause stops the counting; beats while paused are accepted and do not resume', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.at(10);
    expect(h.monitor.pause('a', { by: 'dashboard', reason: 'maintenance' })).toBe(true);
    h.at(500);
    expect(h.monitor.beat('a', { status: 'still here' })).toBe(true);
    h.at(5_000);
    expect(h.monitor.getStatus('a')).toMatchObject({
      state: 'paused',
      paused: true,
      pausedBy: 'dashboard',
      pauseReason: 'maintenance',
      status: 'still here',
      lastBeat: new Date(T0 + 500).toISOString(),
      msSinceBeat: 4_500,
    });
    expect(h.monitor.resume('a', { by: 'dashboard' })).toBe(true);
    expect(h.monitor.resume('a', { by: 'dashboard' })).toBe(false);
    h.at(5_099);
    h.at(5_100);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'paused@10 a paused 0 dashboard,maintenance',
      'resumed@5000 a healthy 0 dashboard',
      'warning@5100 a warning 1',
    ]);
  });

  test('a beat or a reconnect while paused resets L and the count, emits nothing, stays paused', () => {
    const h = harness({ policy });
    h.monitor.connect('a', 'x');
    h.at(105);
    h.monitor.pause('a', { by: 'dashboard' });
    h.at(200);
    expect(h.monitor.beat('a')).toBe(true);
    expect(h.monitor.getStatus('a')).toMatchObject({
      state: 'paused',
      missedBeats: 0,
      healthy: true,
      lastBeat: new Date(T0 + 200).toISOString(),
    });
    h.monitor.disconnect('a');
    h.at(300);
    h.monitor.connect('a', 'x');
    expect(h.monitor.getStatus('a')).toMatchObject({ state: 'paused', missedBeats: 0 });
    h.at(5_000);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'warning@100 a warning 1',
      'paused@105 a paused 1 dashboard',
      'disconnected@200 a paused 0',
      'reconnected@300 a paused 0',
    ]);
  });

  test('pause during warning keeps the count; resume starts afresh', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.at(105);
    h.monitor.pause('a', { by: 'agent' });
    expect(h.monitor.getStatus('a')).toMatchObject({
      state: 'paused',
      missedBeats: 1,
      healthy: false,
    });
    h.at(1_000);
    h.monitor.resume('a', { by: 'agent' });
    h.at(1_100);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'warning@100 a warning 1',
      'paused@105 a paused 1 agent',
      'resumed@1000 a healthy 0 agent',
      'warning@1100 a warning 1',
    ]);
  });

  test('pausing again: same pause is a no-op, another actor or reason takes it over', () => {
    const h = harness({ policy });
    h.monitor.connect('a', 'x');
    h.monitor.pause('a', { by: 'agent', reason: 'input' });
    expect(h.monitor.pause('a', { by: 'agent', reason: 'input' })).toBe(true);
    h.monitor.pause('a', { by: 'dashboard', reason: 'input' });
    h.monitor.disconnect('a'); // the pause is the dashboard's now: it holds
    h.at(10_000);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'paused@0 a paused 0 agent,input',
      'paused@0 a paused 0 dashboard,input',
      'disconnected@0 a paused 0',
    ]);
  });

  test("an agent's pause does not take over a dashboard's or the API's", () => {
    const h = harness({ policy });
    h.monitor.connect('a', 'x');
    h.monitor.pause('a', { by: 'dashboard', reason: 'maintenance' });
    expect(h.monitor.pause('a', { by: 'agent', reason: 'input' })).toBe(true);
    expect(h.monitor.getStatus('a')).toMatchObject({
      pausedBy: 'dashboard',
      pauseReason: 'maintenance',
    });
    h.monitor.disconnect('a'); // still the dashboard's pause: it holds
    h.monitor.connect('b', 'x');
    h.monitor.pause('b', { by: 'api' });
    h.monitor.pause('b', { by: 'agent' });
    h.monitor.disconnect('b');
    h.at(10_000);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'paused@0 a paused 0 dashboard,maintenance',
      'disconnected@0 a paused 0',
      'registered@0 b healthy 0',
      'paused@0 b paused 0 api',
      'disconnected@0 b paused 0',
    ]);
  });

  test("an agent's pause ends when its connection drops", () => {
    const h = harness({ policy });
    h.monitor.connect('a', 'x');
    h.at(119);
    h.monitor.pause('a', { by: 'agent', reason: 'thinking' });
    h.at(300);
    h.monitor.disconnect('a');
    h.at(399);
    expect(h.take()).toEqual([
      'registered@0 a healthy 0',
      'warning@100 a warning 1',
      'missed@110 a warning 2',
      'paused@119 a paused 2 agent,thinking',
      'disconnected@300 a paused 2',
      'resumed@300 a healthy 0 gateway,disconnected',
    ]);
    h.at(400);
    expect(h.take()).toEqual(['warning@400 a warning 1']);
  });

  test('maxPauseMs ends any pause at its start + maxPauseMs', () => {
    const h = harness({ policy, maxPauseMs: 1_000 });
    h.monitor.register('a', 'x');
    h.at(50);
    h.monitor.pause('a', { by: 'api' });
    h.at(600);
    h.monitor.pause('a', { by: 'dashboard', reason: 'longer' }); // keeps the start
    h.monitor.beat('a');
    h.at(1_049);
    expect(h.take()).toHaveLength(3);
    h.at(1_050);
    expect(h.take()).toEqual(['resumed@1050 a healthy 0 gateway,max_pause']);
    h.at(1_150);
    expect(h.take()).toEqual(['warning@1150 a warning 1']);
  });

  test('pause, resume and unregister of unknown sessions return false', () => {
    const h = harness({ policy });
    expect(h.monitor.pause('z', { by: 'api' })).toBe(false);
    expect(h.monitor.resume('z', { by: 'api' })).toBe(false);
    expect(h.monitor.unregister('z')).toBe(false);
    expect(h.monitor.beat('z')).toBe(false);
    expect(h.take()).toEqual([]);
  });
});

describe('unregister, status and counts', () => {
  test('unregister emits unregistered (gone) and nothing more', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x', { status: 'hi' });
    h.at(30);
    expect(h.monitor.unregister('a', { by: 'dashboard' })).toBe(true);
    h.at(1_000);
    expect(h.take()).toEqual(['registered@0 a healthy 0', 'unregistered@30 a gone 0 dashboard']);
    h.monitor.register('a', 'x');
    expect(h.take()).toEqual(['registered@1000 a healthy 0']);
  });

  test('status carries ISO-8601 UTC times and the text on later transitions', () => {
    const h = harness({ policy });
    h.monitor.connect('a', 'planner');
    h.at(40);
    h.monitor.beat('a', { status: 'x'.repeat(300) });
    h.at(70);
    // A connected, healthy session but for the times and the text, which are the point here.
    expect(h.monitor.getStatus('a')).toEqual(
      status({
        session: 'a',
        agentType: 'planner',
        maxMissedBeats: policy.maxMissedBeats,
        lastBeat: '2026-01-01T00:00:00.040Z',
        msSinceBeat: 30,
        registeredAt: '2026-01-01T00:00:00.000Z',
        status: 'x'.repeat(256),
      }),
    );
    h.at(140);
    expect(h.transitions.at(-1)).toMatchObject({ kind: 'warning', status: 'x'.repeat(256) });
  });

  test('counts by state follow every transition', () => {
    const h = harness({ policy });
    for (const id of ['a', 'b', 'c', 'd']) h.monitor.register(id, 'x');
    h.at(50);
    h.monitor.beat('a');
    h.monitor.beat('b');
    h.monitor.pause('b', { by: 'api' });
    h.at(105);
    expect(h.monitor.countByState()).toEqual({ healthy: 1, warning: 2, paused: 1 });
    expect(h.monitor.healthyCount).toBe(2); // the seed's meaning: no missed beat
    h.monitor.pause('c', { by: 'api' });
    expect(h.monitor.countByState()).toEqual({ healthy: 1, warning: 1, paused: 2 });
    expect(h.monitor.healthyCount).toBe(2);
    h.at(1_000);
    expect(h.monitor.countByState()).toEqual({ healthy: 0, warning: 0, paused: 2 });
    expect(h.monitor.registeredCount).toBe(2);
    expect(h.monitor.healthyCount).toBe(1);
  });
});

describe('tenants', () => {
  test('two tenants may use one id without meeting', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x', { tenant: 't1' });
    h.monitor.register('a', 'y', { tenant: 't2' });
    h.monitor.register('b', 'x');
    h.at(50);
    h.monitor.beat('a', { tenant: 't1' });
    expect(h.monitor.beat('a')).toBe(false);
    expect(h.monitor.listStatus({ tenant: 't1' }).map((s) => [s.session, s.agentType])).toEqual([
      ['a', 'x'],
    ]);
    expect(h.monitor.listStatus().map((s) => `${s.tenant}/${s.session}`)).toEqual([
      'default/b',
      't1/a',
      't2/a',
    ]);
    expect(h.monitor.listStatus({ tenant: 'nobody' })).toEqual([]);
    h.monitor.unregister('a', { tenant: 't2' });
    expect(h.monitor.getStatus('a', { tenant: 't1' })?.tenant).toBe('t1');
    h.at(100);
    expect(
      h.transitions.filter((t) => t.kind === 'warning').map((t) => `${t.tenant}/${t.session}`),
    ).toEqual(['default/b']);
  });
});
