/**
 * The soak: 5,000 agents (beating, pausing, going silent, coming back) and 20 dashboards
 * against one gateway process for a set time. Afterwards every transition the agents
 * caused must have reached every dashboard exactly once, in order, and the gateway's
 * post-GC heap and RSS must not have grown after the warm-up (the first third).
 *
 * @example
 * ```ts
 * const report = await runSoak({ seconds: 60 });
 * console.log(formatReport(report));
 * if (!report.passed) process.exitCode = 1;
 * ```
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import { SoakAgent, type Action, type Timing } from './agent.js';
import { SoakDashboard } from './dashboard.js';
import { SoakGateway, type MemorySample } from './gateway.js';
import { mulberry32 } from '../test/support/prng.js';

export interface SoakOptions {
  readonly seconds: number;
  readonly agents?: number;
  readonly dashboards?: number;
  /** Seed of the agents' choices, so a failing run can be replayed. */
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly seconds: number;
  readonly agents: number;
  readonly dashboards: number;
  readonly actions: Record<Action, number>;
  readonly expectedTransitions: number;
  readonly deliveries: number;
  /** Per dashboard: sessions whose received kinds differ from the expected ones. */
  readonly mismatches: number;
  readonly mismatchExamples: string[];
  readonly outOfOrder: number;
  readonly resets: number;
  readonly dashboardReconnects: number;
  readonly surprises: number;
  readonly memory: MemorySample[];
  /** Growth after warm-up: mean of the last third over the mean of the second, in bytes. */
  readonly heapGrowth: number;
  readonly rssGrowth: number;
  readonly gatewayAlive: boolean;
  /** Event-loop delay of the load generator during the run, in ms. */
  readonly generatorLagMs: { readonly p99: number; readonly max: number };
  readonly passed: boolean;
  readonly failures: string[];
}

const SECRET = 'soak-secret-0123456789abcdef0123456789';
const TIMING: Timing = {
  timeoutMs: 5_000,
  checkIntervalMs: 3_000,
  maxMissedBeats: 3,
  beatMs: 1_000,
};
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function sign(claims: Record<string, string>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Runs the soak and reports its figures; it throws only if it cannot start. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const count = options.agents ?? 5_000;
  const dashCount = options.dashboards ?? 20;
  const seconds = options.seconds;
  const warmupMs = (seconds * 1000) / 3;
  const random = mulberry32(options.seed ?? 20_261_129);
  const gateway = await SoakGateway.start({
    secret: SECRET,
    ...TIMING,
    // Retention full within the warm-up, so that a full log is not mistaken for a leak.
    retainMs: Math.min(300_000, Math.floor(warmupMs * 0.75)),
  });
  const url = `http://127.0.0.1:${gateway.port}`;
  const started = Date.now();
  const memory: MemorySample[] = [];
  const sampler = setInterval(
    () => {
      void gateway.sample(started).then((s) => {
        if (s !== undefined) memory.push(s);
      });
    },
    Math.max(2_000, (seconds * 1000) / 30),
  );

  const dashToken = await sign({ sub: 'soak', scope: 'sessions:read' });
  const dashboards = Array.from({ length: dashCount }, () => new SoakDashboard(url, dashToken));
  await Promise.all(dashboards.map((d) => d.ready()));

  const agents: SoakAgent[] = [];
  for (let i = 0; i < count; i++) {
    const session = `soak-${i}`;
    const token = await sign({ sub: session, scope: 'agent', agent_type: `type-${i % 7}` });
    agents.push(
      new SoakAgent(session, `ws://127.0.0.1:${gateway.port}/v1/agent`, token, TIMING, random),
    );
  }
  for (let i = 0; i < agents.length; i += 200) {
    await Promise.all(agents.slice(i, i + 200).map((a) => a.connect('registered')));
    if ((i / 200) % 5 === 4) log(`soak: ${i + 200} agents connected`);
  }
  log(`soak: ${count} agents and ${dashCount} dashboards connected in ${Date.now() - started} ms`);

  // The soak's time (and its warm-up) counts from here: connecting is not soaking.
  const runStart = Date.now();
  // The load generator's own lag: past a second, its agents' timing margins are gone and
  // a failure says more about this machine than about the gateway.
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const running = agents.map((a) => a.run());
  const endAt = runStart + seconds * 1000;
  while (Date.now() < endAt) {
    await sleep(Math.min(10_000, endAt - Date.now()));
    const delivered = dashboards.reduce((n, d) => n + d.received, 0);
    log(`soak: ${Math.round((Date.now() - runStart) / 1000)} s, ${delivered} deliveries`);
  }
  for (const a of agents) a.stop();
  await Promise.all(running);
  lag.disable();
  const generatorLagMs = { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
  // Transitions of the last actions are on their way: wait until every dashboard has
  // read up to the deployment's latest seq (a fresh snapshot's), within a minute.
  await sleep(1_000);
  const probe = new SoakDashboard(url, dashToken);
  await probe.ready();
  const latest = probe.lastSeq;
  probe.close();
  const caughtUpBy = Date.now() + 60_000;
  while (dashboards.some((d) => d.lastSeq < latest) && Date.now() < caughtUpBy) await sleep(200);
  clearInterval(sampler);
  const last = await gateway.sample(started);
  if (last !== undefined) memory.push(last);

  const failures: string[] = [];
  const expectedTotal = agents.reduce((n, a) => n + a.expected.length, 0);
  let mismatches = 0;
  const mismatchExamples: string[] = [];
  for (const [i, d] of dashboards.entries()) {
    for (const a of agents) {
      const got = d.kinds.get(a.session) ?? [];
      if (got.length === a.expected.length && got.every((k, j) => k === a.expected[j])) continue;
      mismatches += 1;
      if (mismatchExamples.length < 5) {
        mismatchExamples.push(
          `dashboard ${i}, ${a.session}: expected ${a.expected.join(',')} got ${got.join(',')}`,
        );
      }
    }
  }
  if (mismatches > 0) failures.push(`${mismatches} session streams differ from the expected`);
  const outOfOrder = dashboards.reduce((n, d) => n + d.outOfOrder, 0);
  const resets = dashboards.reduce((n, d) => n + d.resets, 0);
  if (outOfOrder > 0) failures.push(`${outOfOrder} transitions out of seq order`);
  if (resets > 0) failures.push(`${resets} dashboard recoveries needed a reset`);
  const surprises = agents.reduce((n, a) => n + a.surprises.length, 0);
  if (surprises > 0) failures.push(`${surprises} unexpected agent close codes`);
  const broken = agents.filter((a) => a.failure !== undefined);
  if (broken.length > 0) {
    failures.push(`${broken.length} agents could not reconnect, e.g. ${broken[0]?.failure}`);
  }

  const offset = runStart - started;
  const after = memory.filter((m) => m.atMs - offset >= warmupMs);
  const second = after.filter((m) => m.atMs - offset < 2 * warmupMs);
  const third = after.filter((m) => m.atMs - offset >= 2 * warmupMs);
  const heapGrowth = mean(third.map((m) => m.heapUsed)) - mean(second.map((m) => m.heapUsed));
  const rssGrowth = mean(third.map((m) => m.rss)) - mean(second.map((m) => m.rss));
  const heapBase = mean(second.map((m) => m.heapUsed));
  const rssBase = mean(second.map((m) => m.rss));
  // Growth within noise: 10% of the level (and at least 8 MB for the heap, 16 MB for RSS).
  if (heapGrowth > Math.max(8 * MB, heapBase * 0.1)) {
    failures.push(`heap grew ${(heapGrowth / MB).toFixed(1)} MB after warm-up`);
  }
  if (rssGrowth > Math.max(16 * MB, rssBase * 0.1)) {
    failures.push(`RSS grew ${(rssGrowth / MB).toFixed(1)} MB after warm-up`);
  }
  const gatewayAlive = gateway.alive;
  if (!gatewayAlive) failures.push('the gateway process died');

  const actions: Record<Action, number> = { pause: 0, warn: 0, timeout: 0, drop: 0, hush: 0 };
  for (const a of agents)
    for (const k of Object.keys(actions) as Action[]) actions[k] += a.actions[k];

  const dashboardReconnects = dashboards.reduce((n, d) => n + d.disconnects, 0);
  for (const a of agents) a.close();
  for (const d of dashboards) d.close();
  await gateway.stop();

  return {
    seconds,
    agents: count,
    dashboards: dashCount,
    actions,
    expectedTransitions: expectedTotal,
    deliveries: dashboards.reduce((n, d) => n + d.received, 0),
    mismatches,
    mismatchExamples,
    outOfOrder,
    resets,
    dashboardReconnects,
    surprises,
    memory,
    heapGrowth,
    rssGrowth,
    gatewayAlive,
    generatorLagMs,
    passed: failures.length === 0,
    failures,
  };
}

/** The figures, as printed after a run. */
export function formatReport(r: SoakReport): string {
  const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
  const first = r.memory[0];
  const last = r.memory[r.memory.length - 1];
  return [
    `soak ${r.passed ? 'PASSED' : 'FAILED'}: ${r.seconds} s, ${r.agents} agents, ${r.dashboards} dashboards`,
    `actions: ${Object.entries(r.actions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `transitions expected ${r.expectedTransitions}, delivered ${r.deliveries} ` +
      `(${r.expectedTransitions * r.dashboards} = expected x dashboards)`,
    `mismatched streams ${r.mismatches}, out of order ${r.outOfOrder}, resets ${r.resets}, ` +
      `dashboard reconnects ${r.dashboardReconnects}, unexpected agent closes ${r.surprises}`,
    `gateway heap (post-GC) ${first ? mb(first.heapUsed) : '?'} -> ${last ? mb(last.heapUsed) : '?'}, ` +
      `growth after warm-up ${mb(r.heapGrowth)}`,
    `gateway RSS ${first ? mb(first.rss) : '?'} -> ${last ? mb(last.rss) : '?'}, ` +
      `growth after warm-up ${mb(r.rssGrowth)}`,
    `load generator lag p99 ${r.generatorLagMs.p99.toFixed(0)} ms, max ${r.generatorLagMs.max.toFixed(0)} ms ` +
      '(over 1,000 ms the agents miss their own margins)',
    ...r.mismatchExamples,
    ...r.failures.map((f) => `FAIL: ${f}`),
  ].join('\n');
}
