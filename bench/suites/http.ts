/**
 * `http`: `POST /v1/sessions/:id/beat` per second with autocannon (on core 1) against
 * the gateway, which verifies the agent's JWT and beats the monitor on each request.
 * Baseline: a bare `node:http` handler that reads the body and answers JSON.
 */
import { CannonLoader, type Cannon } from '../load/fleet.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { startBare, startGateway, type ServerHandle } from '../servers/launch.js';

const CONNECTIONS = 50;
const SESSIONS_PER_CONNECTION = 20;

interface Measured extends Cannon {
  /** The server's CPU (user + system) per answered request, in microseconds. */
  readonly cpuUsPerRequest: number;
}

async function cpuUs(server: ServerHandle): Promise<number> {
  const s = await server.stats({ counters: false });
  return s.cpuUserUs + s.cpuSystemUs;
}

async function measure(server: ServerHandle, seconds: number): Promise<Measured> {
  const cannon = await CannonLoader.start();
  try {
    await cannon.run(server.port, CONNECTIONS, SESSIONS_PER_CONNECTION, 1); // warm-up
    const before = await cpuUs(server);
    const run = await cannon.run(server.port, CONNECTIONS, SESSIONS_PER_CONNECTION, seconds);
    // The server's own CPU per request: on a shared, loaded machine the rate measures the
    // share of a core each side got as much as the route; this does not.
    const used = (await cpuUs(server)) - before;
    return { ...run, cpuUsPerRequest: run.total > 0 ? used / run.total : 0 };
  } finally {
    await cannon.stop();
  }
}

export async function runHttp(): Promise<Figure[]> {
  const seconds = scaled(10, 2);
  const bareServer = await startBare('http');
  const bare = await measure(bareServer, seconds).finally(() => bareServer.stop());
  const gatewayServer = await startGateway();
  const gw = await measure(gatewayServer, seconds).finally(() => gatewayServer.stop());
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
