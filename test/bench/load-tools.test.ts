import { afterAll, describe, expect, it } from 'vitest';
import { AgentLoader, DashboardLoader } from '../../bench/load/fleet.js';
import { liveChildren } from '../../bench/lib/children.js';
import { sleep } from '../../bench/lib/clock.js';
import { figure, meets } from '../../bench/lib/result.js';
import { percentile, summarize } from '../../bench/lib/stats.js';
import { HOLD_POLICY, startBare, startGateway } from '../../bench/servers/launch.js';
import { sweepLateness } from '../../bench/suites/lateness.js';

// The load tools run as compiled children (dist/bench), so `npm run build` comes first.

describe('bench arithmetic', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(summarize([3, 1, 2]).max).toBe(3);
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });

  it('checks ratio and absolute targets', () => {
    expect(meets(figure('m', 'B', 1, 6, { name: 'b', value: 4, target: 'ratio <= 1.5' }))).toBe(
      true,
    );
    expect(meets(figure('m', 'B', 1, 7, { name: 'b', value: 4, target: 'ratio <= 1.5' }))).toBe(
      false,
    );
    expect(meets(figure('m', 'ms', 1, 21, undefined, 'value <= 20'))).toBe(false);
    expect(meets(figure('m', 'ms', 1, Number.NaN, undefined, 'value <= 20'))).toBe(false);
  });

  it('simulates the seed sweep: a transition waits for the next sweep', () => {
    const policy = { timeoutMs: 2000, checkIntervalMs: 1000, maxMissedBeats: 3 };
    // Sweeps at 1000, 2000, 3000...: due at 2500 -> swept at 3000; due at 3000 -> 4000
    // (the seed compares with `>`).
    expect(sweepLateness([500, 1000, 0], 0, policy)).toEqual([500, 1000, 1000]);
  });
});

/** Polls `read` until `done` holds (the frames are still in flight) or 5 s pass. */
async function settled<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i >= 50) return value;
    await sleep(100);
  }
}

describe('load tools against the bare servers', () => {
  afterAll(() => {
    expect(liveChildren()).toBe(0);
  });

  it('agents connect, beat as messages and pings, and every beat is counted', async () => {
    const server = await startBare('ws');
    const loader = await AgentLoader.start();
    try {
      // Paced before the ramp: agents beat as soon as they are open.
      await loader.pace('message', 400);
      const ramp = await loader.connect(server.port, 40, 't-', 10);
      expect(ramp).toMatchObject({ opened: 40, failed: 0 });
      await sleep(600);
      expect((await loader.counters()).sent).toBeGreaterThan(100);
      await loader.pace('ping', 400);
      await sleep(600);
      await loader.pace('none', 0);
      const sent = await loader.counters();
      const got = await settled(
        async () => (await server.stats()).counters,
        (c) => (c['message'] ?? 0) + (c['ping'] ?? 0) >= sent.sent,
      );
      expect(sent.sent).toBeGreaterThan(100);
      expect((got['message'] ?? 0) + (got['ping'] ?? 0)).toBe(sent.sent);
      expect(got['parsed']).toBe(got['message']);
      // The last pongs may still be on their way back when the server's count settles.
      const back = await settled(
        () => loader.counters(),
        (c) => c.pongs >= (got['ping'] ?? 0),
      );
      expect(back.pongs).toBe(got['ping']);
      expect(got['connections']).toBe(40);
    } finally {
      await loader.close();
      await loader.stop();
      await server.stop();
    }
  });

  it('dashboards time each broadcast pause from its send time', async () => {
    const server = await startBare('sio');
    const agents = await AgentLoader.start();
    const dashboards = await DashboardLoader.start();
    try {
      await agents.connect(server.port, 2, 'd-', 2);
      expect(await dashboards.connect(server.port, 5)).toMatchObject({ opened: 5 });
      expect(await dashboards.connect(server.port, 5, 'light')).toMatchObject({ opened: 5 });
      for (let i = 0; i < 6; i++) {
        await agents.trigger(0);
        await sleep(30);
      }
      await sleep(300);
      const taken = await dashboards.take();
      expect(taken.received).toBe(60);
      expect(taken.kinds).toEqual({ paused: 30, resumed: 30 });
      expect(taken.latencies).toHaveLength(30);
      for (const ms of taken.latencies) expect(ms).toBeGreaterThan(0);
    } finally {
      await agents.close();
      await Promise.all([agents.stop(), dashboards.stop()]);
      await server.stop();
    }
  });

  it('drives the built gateway: beats counted from /metrics, transitions at both dashboard clients', async () => {
    const server = await startGateway({ env: HOLD_POLICY });
    const agents = await AgentLoader.start();
    const dashboards = await DashboardLoader.start();
    try {
      expect(await dashboards.connect(server.port, 3)).toMatchObject({ opened: 3 });
      expect(await dashboards.connect(server.port, 3, 'light')).toMatchObject({ opened: 3 });
      expect(await agents.connect(server.port, 20, 'gw-', 5)).toMatchObject({ opened: 20 });
      await agents.pace('message', 200);
      await sleep(500);
      await agents.pace('ping', 200);
      await sleep(500);
      await agents.pace('none', 0);
      await agents.trigger(3);
      const sent = await agents.counters();
      const got = await settled(
        async () => (await server.stats()).counters,
        (c) => (c['message'] ?? 0) + (c['ping'] ?? 0) >= sent.sent,
      );
      expect((got['message'] ?? 0) + (got['ping'] ?? 0)).toBe(sent.sent);
      expect(got['connect']).toBe(20);
      await sleep(300);
      const taken = await dashboards.take();
      expect(taken.kinds).toEqual({ registered: 120, paused: 6 });
      expect(taken.latencies).toHaveLength(6);
    } finally {
      await agents.close();
      await Promise.all([agents.stop(), dashboards.stop()]);
      await server.stop();
    }
  });
});
