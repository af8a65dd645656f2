/**
 * `fanout`: one transition to 1,000 dashboards (arrival latency p50/p99 and the server's
 * CPU), then 100 dashboards under 1,000 transitions per second (deliveries per second,
 * latency, CPU). Transitions are pauses and resumes sent by agents; a pause carries its
 * send time in `reason`, so each dashboard measures send-to-arrival latency. Baseline:
 * a bare Socket.IO server broadcasting the same payload to the same clients.
 */
import { AgentLoader, DashboardLoader } from '../load/fleet.js';
import { monoMs, sleep } from '../lib/clock.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { summarize, type Summary } from '../lib/stats.js';
import { HOLD_POLICY, startBare, startGateway, type ServerHandle } from '../servers/launch.js';
import { profiled } from '../servers/profile-window.js';

const TRIGGER_GAP_MS = 100;

interface Fanout {
  readonly one: Summary;
  readonly oneCpuMsPerTransition: number;
  readonly oneDelivered: number;
  readonly oneExpected: number;
  readonly stream: Summary;
  readonly deliveriesPerSecond: number;
  readonly offeredDeliveriesPerSecond: number;
  readonly streamCpu: number;
}

async function cpuUs(server: ServerHandle): Promise<number> {
  const s = await server.stats({ counters: false });
  return s.cpuUserUs + s.cpuSystemUs;
}

async function measure(server: ServerHandle): Promise<Fanout> {
  const many = scaled(1000, 10);
  const few = scaled(100, 5);
  const pauses = scaled(30, 5);
  const rate = scaled(1000, 50);
  const durationMs = scaled(5000, 1000);
  const agents = await AgentLoader.start();
  const wide = await DashboardLoader.start();
  const narrow = await DashboardLoader.start();
  try {
    await agents.connect(server.port, 100, `f-${server.label.replace(/\W/g, '')}-`, 50);
    await wide.connect(server.port, many, 'light');
    await sleep(500);
    await wide.take();
    // One transition at a time: a pause (timed) and a resume, TRIGGER_GAP_MS apart.
    const [cpu0, cpu1] = await profiled(server, 'fanout-one', async () => {
      const before = await cpuUs(server);
      for (let i = 0; i < pauses; i++) {
        await agents.trigger(0);
        await sleep(TRIGGER_GAP_MS);
        await agents.trigger(0);
        await sleep(TRIGGER_GAP_MS);
      }
      await sleep(500);
      return [before, await cpuUs(server)] as const;
    });
    const one = await wide.take();
    await wide.close();
    await sleep(500);

    await narrow.connect(server.port, few, 'light');
    await sleep(500);
    await narrow.take();
    const t0 = monoMs();
    const [c0, sent, c1] = await profiled(server, 'fanout-stream', async () => {
      const before = await cpuUs(server);
      const count = await agents.transitions(100, rate, durationMs);
      return [before, count, await cpuUs(server)] as const;
    });
    const wallUs = (monoMs() - t0) * 1000;
    await sleep(1000);
    const stream = await narrow.take();
    return {
      one: summarize(one.latencies),
      oneCpuMsPerTransition: (cpu1 - cpu0) / 1000 / (2 * pauses),
      oneDelivered: one.received,
      oneExpected: 2 * pauses * many,
      stream: summarize(stream.latencies),
      deliveriesPerSecond: (stream.received * 1e6) / wallUs,
      offeredDeliveriesPerSecond: (sent * few * 1e6) / wallUs,
      streamCpu: (c1 - c0) / wallUs,
    };
  } finally {
    await agents.close().catch(() => {});
    await Promise.all([agents.stop(), wide.stop(), narrow.stop()]);
  }
}

export async function runFanout(): Promise<Figure[]> {
  const bareServer = await startBare('sio');
  const bare = await measure(bareServer).finally(() => bareServer.stop());
  const gatewayServer = await startGateway({ env: HOLD_POLICY });
  const gw = await measure(gatewayServer).finally(() => gatewayServer.stop());
  const name = 'bare Socket.IO';
  const many = `${scaled(1000, 10)} dashboards`;
  const few = `${scaled(100, 5)} dashboards`;
  const stream = `${scaled(1000, 50).toLocaleString('en-US')} transitions/s to ${few}`;
  return [
    figure(`one transition to ${many}: latency p50`, 'ms', gw.one.n, gw.one.p50, {
      name,
      value: bare.one.p50,
    }),
    figure(`one transition to ${many}: latency p99`, 'ms', gw.one.n, gw.one.p99, {
      name,
      value: bare.one.p99,
      target: 'ratio <= 1.3',
    }),
    figure(
      `one transition to ${many}: server CPU per transition`,
      'ms',
      gw.one.n,
      gw.oneCpuMsPerTransition,
      {
        name,
        value: bare.oneCpuMsPerTransition,
      },
    ),
    figure(
      `one transition to ${many}: deliveries`,
      'events',
      gw.oneExpected,
      gw.oneDelivered,
      {
        name,
        value: bare.oneDelivered,
      },
      `value >= ${gw.oneExpected}`,
    ),
    figure(`${stream}: deliveries per second`, 'events/s', gw.stream.n, gw.deliveriesPerSecond, {
      name,
      value: bare.deliveriesPerSecond,
      target: 'ratio >= 0.8',
    }),
    figure(`${stream}: latency p50`, 'ms', gw.stream.n, gw.stream.p50, {
      name,
      value: bare.stream.p50,
    }),
    figure(`${stream}: latency p99`, 'ms', gw.stream.n, gw.stream.p99, {
      name,
      value: bare.stream.p99,
    }),
    figure(`${stream}: server CPU`, 'cores', gw.stream.n, gw.streamCpu, {
      name,
      value: bare.streamCpu,
    }),
  ];
}
