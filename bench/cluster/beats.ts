/**
 * `cluster` (issue 6): agents beating once a second on one and on two gateway
 * processes sharing one Redis (the bench's own). Per run: beats per second the gateways
 * counted, Redis commands per beat (`INFO commandstats` delta over the same window, the
 * commands run inside scripts included: a flushed beat costs an HGET and an HSET inside
 * one batched script) and Redis round trips (EVALSHA calls) per beat, which is what
 * batching buys, and the lateness of `warning` and `timeout` of silenced agents
 * at a dashboard on the first node (with two nodes, half of them cross nodes through the
 * event stream).
 */
import { randomBytes } from 'node:crypto';
import { AgentLoader, DashboardLoader } from '../load/fleet.js';
import { sleep } from '../lib/clock.js';
import { num, str } from '../lib/fields.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { summarize } from '../lib/stats.js';
import { startGateway, type ServerHandle } from '../servers/launch.js';
import { LATENESS_POLICY } from '../suites/lateness.js';
import { startBenchRedis } from './redis-server.js';

const MEASURE_MS = 10_000;

interface Run {
  readonly beatsPerSecond: number;
  readonly beats: number;
  readonly commandsPerBeat: number;
  readonly scriptsPerBeat: number;
  readonly warnings: number[];
  readonly timeouts: number[];
}

type Calls = () => Promise<{ all: number; evalsha: number }>;

async function beatsCounted(gateways: readonly ServerHandle[]): Promise<number> {
  let total = 0;
  for (const g of gateways) total += (await g.stats({ counters: true })).counters['message'] ?? 0;
  return total;
}

async function run(nodes: number, agents: number, redisUrl: string, calls: Calls): Promise<Run> {
  const { timeoutMs: T, checkIntervalMs: C, maxMissedBeats: M } = LATENESS_POLICY;
  const prefix = `pgbench:${randomBytes(4).toString('hex')}:`;
  const gateways: ServerHandle[] = [];
  const loaders: AgentLoader[] = [];
  const dashboards = await DashboardLoader.start();
  try {
    for (let i = 0; i < nodes; i++) {
      gateways.push(
        await startGateway({
          env: {
            PULSEGATE_REDIS_URL: redisUrl,
            PULSEGATE_REDIS_PREFIX: prefix,
            PULSEGATE_NODE_ID: `bench${i}`,
            PULSEGATE_TIMEOUT_MS: String(T),
            PULSEGATE_CHECK_INTERVAL_MS: String(C),
            PULSEGATE_MAX_MISSED_BEATS: String(M),
          },
        }),
      );
    }
    await dashboards.connect(gateways[0]?.port ?? 0, 1);
    const share = Math.round(agents / nodes);
    for (const [i, g] of gateways.entries()) {
      const loader = await AgentLoader.start();
      loaders.push(loader);
      // The pacer beats the agents open when it ticks: one first, then the ramp, so that
      // every agent beats from its first second on (T is short).
      const first = await loader.connect(g.port, 1, `c${i}-first-`, 1);
      await loader.pace('message', share);
      const rest = await loader.connect(g.port, share - 1, `c${i}-`, 100);
      const report = { opened: first.opened + rest.opened };
      if (report.opened < share) {
        throw new Error(`cluster: ${report.opened} of ${share} agents connected to node ${i}`);
      }
    }
    await sleep(3_000);
    const beats0 = await beatsCounted(gateways);
    const calls0 = await calls();
    const started = Date.now();
    await sleep(MEASURE_MS);
    const beats1 = await beatsCounted(gateways);
    const calls1 = await calls();
    const seconds = (Date.now() - started) / 1000;
    const beats = beats1 - beats0;
    await dashboards.take();
    const lastBeat = new Map<string, number>();
    for (const loader of loaders) {
      const silenced = await loader.silence(Math.max(3, Math.round(share / 100)), 2000);
      silenced.ids.forEach((id, i) => lastBeat.set(id, silenced.lastBeats[i] ?? Number.NaN));
    }
    await sleep(T + (M - 1) * C + 2_000);
    const taken = await dashboards.take();
    const warnings: number[] = [];
    const timeouts: number[] = [];
    for (const a of taken.arrivals) {
      const last = lastBeat.get(str(a, 'session'));
      if (last === undefined) continue;
      const arrived = num(a, 'arrivedMono');
      if (str(a, 'kind') === 'warning') warnings.push(arrived - (last + T));
      if (str(a, 'kind') === 'timeout') timeouts.push(arrived - (last + T + (M - 1) * C));
    }
    return {
      beatsPerSecond: beats / seconds,
      beats,
      commandsPerBeat: beats > 0 ? (calls1.all - calls0.all) / beats : Number.NaN,
      scriptsPerBeat: beats > 0 ? (calls1.evalsha - calls0.evalsha) / beats : Number.NaN,
      warnings: warnings.filter(Number.isFinite),
      timeouts: timeouts.filter(Number.isFinite),
    };
  } finally {
    for (const loader of loaders) {
      await loader.close().catch(() => {});
      await loader.stop();
    }
    await dashboards.stop();
    for (const g of gateways) await g.stop();
  }
}

function rows(label: string, r: Run, baseline: Run | undefined): Figure[] {
  const w = summarize(r.warnings);
  const t = summarize(r.timeouts);
  const bw = baseline === undefined ? undefined : summarize(baseline.warnings);
  const bt = baseline === undefined ? undefined : summarize(baseline.timeouts);
  const base = (name: string, value: number | undefined) =>
    value === undefined ? undefined : { name: `1 gateway ${name}`, value };
  return [
    figure(
      `${label}: beats per second`,
      '/s',
      r.beats,
      r.beatsPerSecond,
      base('beats/s', baseline?.beatsPerSecond),
    ),
    figure(
      `${label}: Redis commands per beat`,
      'cmd',
      r.beats,
      r.commandsPerBeat,
      base('commands/beat', baseline?.commandsPerBeat),
    ),
    figure(
      `${label}: Redis round trips (EVALSHA) per beat`,
      'cmd',
      r.beats,
      r.scriptsPerBeat,
      base('EVALSHA/beat', baseline?.scriptsPerBeat),
      'value <= 0.1',
    ),
    figure(`${label}: warning lateness p50`, 'ms', w.n, w.p50, base('p50', bw?.p50)),
    figure(
      `${label}: warning lateness p99`,
      'ms',
      w.n,
      w.p99,
      base('p99', bw?.p99),
      'value <= 100',
    ),
    figure(`${label}: timeout lateness p50`, 'ms', t.n, t.p50, base('p50', bt?.p50)),
    figure(
      `${label}: timeout lateness p99`,
      'ms',
      t.n,
      t.p99,
      base('p99', bt?.p99),
      'value <= 100',
    ),
  ];
}

export async function runClusterBeats(): Promise<Figure[]> {
  const agents = scaled(4_000, 100);
  const redis = await startBenchRedis();
  try {
    const calls = () => redis.commandCalls();
    const one = await run(1, agents, redis.url, calls);
    const two = await run(2, agents, redis.url, calls);
    return [...rows('1 gateway', one, undefined), ...rows('2 gateways', two, one)];
  } finally {
    await redis.stop();
  }
}
