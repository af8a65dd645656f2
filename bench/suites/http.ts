/**
 * `http`: `POST /v1/sessions/:id/beat` per second with autocannon (on core 1) against
 * the gateway, which verifies the agent's JWT and beats the monitor on each request.
 * Baseline: a bare `node:http` handler that reads the body and answers JSON.
 *
 * Both servers run side by side and are measured in alternated rounds (bare, gateway,
 * bare, gateway, ...) from one autocannon process, and each figure is the median of its
 * rounds. On a shared 2-core machine one long run of each measured whatever else ran
 * during it (0.35-0.57x for the same code); alternating spreads that drift over both
 * sides, and the median drops a round that caught a burst.
 */
import { CannonLoader, type Cannon } from '../load/fleet.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { median } from '../lib/stats.js';
import { HOLD_POLICY, startBare, startGateway, type ServerHandle } from '../servers/launch.js';

const CONNECTIONS = 50;
const SESSIONS_PER_CONNECTION = 20;
/** Rounds per server: odd, so the median is one measured round. */
const ROUNDS = 3;

interface Measured extends Cannon {
  /** The server's CPU (user + system) per answered request, in microseconds. */
  readonly cpuUsPerRequest: number;
}

async function cpuUs(server: ServerHandle): Promise<number> {
  const s = await server.stats({ counters: false });
  return s.cpuUserUs + s.cpuSystemUs;
}

async function round(cannon: CannonLoader, server: ServerHandle, seconds: number) {
  const before = await cpuUs(server);
  const run = await cannon.run(server.port, CONNECTIONS, SESSIONS_PER_CONNECTION, seconds);
  // The server's own CPU per request: on a shared, loaded machine the rate measures the
  // share of a core each side got as much as the route; this does not.
  const used = (await cpuUs(server)) - before;
  const measured: Measured = { ...run, cpuUsPerRequest: run.total > 0 ? used / run.total : 0 };
  console.log(
    `http: ${server.label.padEnd(14)} ${Math.round(run.perSecond)} req/s, ` +
      `${measured.cpuUsPerRequest.toFixed(1)} us CPU/req, p50 ${run.p50} ms`,
  );
  return measured;
}

/** Medians over rounds, field by field; the counts of failures are summed instead. */
function summarize(rounds: readonly Measured[]): Measured {
  const med = (pick: (m: Measured) => number) => median(rounds.map(pick));
  const sum = (pick: (m: Measured) => number) => rounds.reduce((a, m) => a + pick(m), 0);
  return {
    perSecond: med((m) => m.perSecond),
    cpuUsPerRequest: med((m) => m.cpuUsPerRequest),
    p50: med((m) => m.p50),
    p99: med((m) => m.p99),
    total: sum((m) => m.total),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
  };
}

export async function runHttp(): Promise<Figure[]> {
  const seconds = scaled(5, 1);
  const bareServer = await startBare('http');
  // Sessions stay registered between the gateway's rounds: a timeout longer than the
  // run, so that none goes silent (a missed beat, a transition) while the bare server is
  // measured on the same core. The cost of a beat does not depend on it.
  const gatewayServer = await startGateway({ env: HOLD_POLICY }).catch(async (err: unknown) => {
    await bareServer.stop();
    throw err;
  });
  const cannon = await CannonLoader.start();
  const bareRounds: Measured[] = [];
  const gwRounds: Measured[] = [];
  try {
    // Warm-up: JIT on both sides, and the gateway verifies each token once (then cached).
    for (const server of [bareServer, gatewayServer]) {
      await cannon.run(server.port, CONNECTIONS, SESSIONS_PER_CONNECTION, 1);
    }
    for (let i = 0; i < ROUNDS; i++) {
      bareRounds.push(await round(cannon, bareServer, seconds));
      gwRounds.push(await round(cannon, gatewayServer, seconds));
    }
  } finally {
    await cannon.stop();
    await Promise.all([bareServer.stop(), gatewayServer.stop()]);
  }
  const bare = summarize(bareRounds);
  const gw = summarize(gwRounds);
  const name = 'bare node:http';
  return [
    figure('HTTP beats per second (2xx)', 'req/s', gw.total, gw.perSecond, {
      name,
      value: bare.perSecond,
      target: 'ratio >= 0.5',
    }),
    figure('server CPU per request', 'us', gw.total, gw.cpuUsPerRequest, {
      name,
      value: bare.cpuUsPerRequest,
    }),
    figure('latency p50', 'ms', gw.total, gw.p50, { name, value: bare.p50 }),
    figure('latency p99', 'ms', gw.total, gw.p99, { name, value: bare.p99 }),
    figure(
      'non-2xx responses',
      'responses',
      gw.total,
      gw.non2xx,
      { name, value: bare.non2xx },
      'value <= 0',
    ),
    figure('errors', 'requests', gw.total, gw.errors, { name, value: bare.errors }, 'value <= 0'),
  ];
}
