import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { TimerScheduler } from '../../server/monitor/scheduler.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function realMonitor(policy: {
  timeoutMs: number;
  checkIntervalMs: number;
  maxMissedBeats: number;
}) {
  const monitor = new HeartbeatMonitor({ policy, scheduler: new TimerScheduler() });
  const seen: Array<{ t: MonitorTransition; late: number }> = [];
  monitor.subscribe((t) => seen.push({ t, late: Date.now() - t.at }));
  monitor.start();
  cleanups.push(() => monitor.stop());
  return { monitor, seen };
}

function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the event loop is blocked on purpose
  }
}

describe('TimerScheduler with real time', () => {
  test('every transition fires within a few ms of its deadline', async () => {
    const { monitor, seen } = realMonitor({
      timeoutMs: 60,
      checkIntervalMs: 25,
      maxMissedBeats: 3,
    });
    monitor.register('a', 'x');
    await new Promise((r) => setTimeout(r, 7));
    monitor.register('b', 'x');
    monitor.pause('b', { by: 'api' });
    await new Promise((r) => setTimeout(r, 30));
    monitor.resume('b', { by: 'api' });
    await new Promise((r) => setTimeout(r, 250));
    const timed = seen.filter(({ t }) => ['warning', 'missed', 'timeout'].includes(t.kind));
    console.log(
      'real-timer lateness (ms):',
      timed.map(({ t, late }) => `${t.session} ${t.kind} +${late}`).join(', '),
    );
    const of = (id: string) => timed.filter(({ t }) => t.session === id);
    expect(of('a').map(({ t }) => t.kind)).toEqual(['warning', 'missed', 'timeout']);
    expect(of('b').map(({ t }) => t.kind)).toEqual(['warning', 'missed', 'timeout']);
    // Nominal times are exact: L + T + (k-1)C.
    const a0 = of('a')[0]?.t.at as number;
    expect(of('a').map(({ t }) => t.at - a0)).toEqual([0, 25, 50]);
    for (const { late } of timed) {
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(50);
    }
  });

  test('after a blocked loop, beats waiting on a socket are read before deadlines', async () => {
    const { monitor, seen } = realMonitor({
      timeoutMs: 300,
      checkIntervalMs: 50,
      maxMissedBeats: 2,
    });
    const server: Server = createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line === 'beat') monitor.beat('a');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const client: Socket = connect(address.port, '127.0.0.1');
    cleanups.push(() => {
      client.destroy();
      server.close();
    });
    await once(client, 'connect');
    monitor.register('a', 'agent');
    await new Promise((r) => setTimeout(r, 60));
    // The agent beats on time, but the gateway is blocked well past the deadline: when the
    // loop runs again, the deadline timer is due before the socket has been read.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        client.write('beat\n');
        block(450);
        resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map(({ t }) => t.kind)).toEqual(['registered']);
    expect(monitor.getStatus('a')?.missedBeats).toBe(0);
  });

  test('a deadline beyond the 2^31-1 ms timer limit is clamped, not fired at once', async () => {
    const scheduler = new TimerScheduler();
    let fired = false;
    scheduler.arm(Date.now() + 2 ** 40, () => {
      fired = true;
    });
    cleanups.push(() => scheduler.disarm());
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(false);
  });

  test('a timer that wakes before its time (the clock lags) is re-armed', async () => {
    let offset = 0;
    const scheduler = new TimerScheduler({ now: () => Date.now() - offset });
    const start = Date.now();
    let firedAt = 0;
    const done = new Promise<void>((resolve) =>
      scheduler.arm(start + 30, () => {
        firedAt = Date.now() - offset;
        resolve();
      }),
    );
    offset = 20; // the clock steps back after arming
    await done;
    expect(firedAt).toBeGreaterThanOrEqual(start + 30);
  });
});
