import { describe, expect, test } from 'vitest';
import { HeartbeatClient } from '../../server/monitor/heartbeat-client.js';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import { TimerScheduler } from '../../server/monitor/scheduler.js';
import type { Ticker } from '../../server/monitor/scheduler.js';

/** A ticker the test drives by hand. */
function manualTicker(): Ticker & { tick(): void } {
  const ticks = new Set<() => void>();
  return {
    every(_ms, tick) {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
    tick() {
      for (const t of ticks) t();
    },
  };
}

describe('HeartbeatClient', () => {
  test('keeps a session alive with real timers until disposed', async () => {
    const monitor = new HeartbeatMonitor({
      // Generous against CI noise: a beat every 30 ms against a 400 ms timeout.
      policy: { timeoutMs: 400, checkIntervalMs: 50, maxMissedBeats: 2 },
      scheduler: new TimerScheduler(),
    });
    const kinds: string[] = [];
    monitor.subscribe((t) => kinds.push(t.kind));
    monitor.start();
    monitor.register('s1', 'planner');
    {
      await using client = new HeartbeatClient({
        monitor,
        sessionId: 's1',
        intervalMs: 30,
        status: () => 'working',
      });
      client.start();
      client.start();
      expect(client.running).toBe(true);
      await new Promise((r) => setTimeout(r, 600));
      expect(kinds).toEqual(['registered']);
      expect(monitor.getStatus('s1')?.status).toBe('working');
    }
    await new Promise((r) => setTimeout(r, 700));
    monitor.stop();
    expect(kinds).toEqual(['registered', 'warning', 'timeout']);
  });

  test('beats at start and on every tick; stop ends it', async () => {
    const clock = new FakeClock(0);
    const scheduler = new FakeScheduler(clock);
    const ticker = manualTicker();
    const monitor = new HeartbeatMonitor({ clock, scheduler, policy: { timeoutMs: 100 } });
    monitor.start();
    monitor.register('s', 'x', { tenant: 't' });
    scheduler.advance(50);
    const client = new HeartbeatClient({ monitor, sessionId: 's', tenant: 't', ticker });
    expect(client.intervalMs).toBe(10_000);
    client.start();
    expect(monitor.getStatus('s', { tenant: 't' })?.msSinceBeat).toBe(0);
    scheduler.advance(30);
    ticker.tick();
    expect(monitor.getStatus('s', { tenant: 't' })?.lastBeat).toBe(new Date(80).toISOString());
    await client.stop();
    expect(client.running).toBe(false);
    ticker.tick();
    expect(monitor.getStatus('s', { tenant: 't' })?.lastBeat).toBe(new Date(80).toISOString());
  });

  test('refuses an invalid interval', () => {
    const monitor = new HeartbeatMonitor();
    expect(() => new HeartbeatClient({ monitor, sessionId: 's', intervalMs: 0 })).toThrow(
      'intervalMs must be a positive integer',
    );
  });
});
