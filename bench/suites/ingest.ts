/**
 * `ingest`: beats per second from 10,000 connections, as `beat` messages and as ping
 * frames, and the CPU share at 10,000 agents beating once a second. Baseline: a bare
 * `ws` server that only parses each message.
 *
 * The rate is found with paced, open-loop steps (each agent's beats are spread evenly,
 * so each frame arrives in its own TCP segment): a step is sustained when the server
 * counted at least 95% of what was sent; the offer grows 1.3x per sustained step, then
 * three bisection steps narrow the limit; the figure is the highest sustained rate.
 */
import { AgentLoader, type BeatMode } from '../load/fleet.js';
import { monoMs, sleep } from '../lib/clock.js';
import { figure, type Figure } from '../lib/result.js';
import { benchScale, scaled } from '../lib/scale.js';
import { HOLD_POLICY, startBare, startGateway, type ServerHandle } from '../servers/launch.js';
import { profiled } from '../servers/profile-window.js';

const STEP_MS = 1500;
const SETTLE_MS = 500;
const GROWTH = 1.3;

interface Capacity {
  readonly rate: number;
  /** True when the generator, not the server, stopped the climb. */
  readonly generatorBound: boolean;
  /** False when no step kept up: `rate` is then the highest rate received. */
  readonly sustained: boolean;
  readonly steps: number;
}

async function counter(server: ServerHandle, mode: 'message' | 'ping'): Promise<number> {
  return (await server.stats()).counters[mode] ?? 0;
}

interface Step {
  readonly received: number;
  readonly sent: number;
  /** The server counted at least 95% of what was sent. */
  readonly kept: boolean;
}

/** Offers `rate` beats/s for one step and measures what was sent and what the server counted. */
async function offer(
  server: ServerHandle,
  loader: AgentLoader,
  mode: 'message' | 'ping',
  rate: number,
): Promise<Step> {
  await loader.pace(mode, rate);
  await sleep(SETTLE_MS);
  const s0 = await counter(server, mode);
  const c0 = await loader.counters();
  const t0 = monoMs();
  await sleep(STEP_MS);
  const s1 = await counter(server, mode);
  const c1 = await loader.counters();
  const seconds = (monoMs() - t0) / 1000;
  const received = (s1 - s0) / seconds;
  const sent = (c1.sent - c0.sent) / seconds;
  return { received, sent, kept: received >= 0.95 * sent };
}

/**
 * Bisection steps between the last sustained offer and the first failed one (1.3x apart):
 * three of them bring the figure within 3% of the limit. Without them the figure moved by
 * whole 1.3x steps, and two servers 10% apart could come out 1.7x apart.
 */
const REFINE_STEPS = 3;

async function capacity(server: ServerHandle, loader: AgentLoader, mode: 'message' | 'ping') {
  let rate = 10_000 * benchScale();
  let peak = 0;
  let best = 0;
  let steps = 0;
  let misses = 0;
  let generatorBound = false;
  let keptOffer = 0;
  // One missed step is retried at the same rate: on a shared machine a single step can
  // be unlucky; two in a row end the climb.
  while (misses < 2) {
    steps++;
    const { received, sent, kept } = await offer(server, loader, mode, rate);
    peak = Math.max(peak, received);
    if (kept) best = Math.max(best, received);
    if (sent < 0.95 * rate) {
      generatorBound = kept;
      if (kept) break;
      misses++;
    } else if (kept) {
      misses = 0;
      keptOffer = rate;
      rate *= GROWTH;
    } else {
      misses++;
    }
  }
  if (!generatorBound && keptOffer > 0) {
    let lo = keptOffer;
    let hi = rate;
    for (let i = 0; i < REFINE_STEPS; i++) {
      steps++;
      const mid = Math.sqrt(lo * hi);
      const { received, sent, kept } = await offer(server, loader, mode, mid);
      peak = Math.max(peak, received);
      // A step the generator could not fill says nothing about the server: search lower.
      if (kept && sent >= 0.95 * mid) {
        best = Math.max(best, received);
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }
  await loader.pace('none', 0);
  await sleep(SETTLE_MS);
  // Not one step kept up (a loaded machine): report what it did take, flagged.
  const sustained = best > 0;
  const result: Capacity = { rate: sustained ? best : peak, generatorBound, sustained, steps };
  return result;
}

/** CPU of the server (user + system) as a share of one core, at `perSecond` beats. */
async function cpuShare(
  server: ServerHandle,
  loader: AgentLoader,
  mode: BeatMode,
  perSecond: number,
) {
  await loader.pace(mode, perSecond);
  await sleep(1000);
  const a = await server.stats({ counters: false });
  const t0 = monoMs();
  await sleep(scaled(5000, 1000));
  const b = await server.stats({ counters: false });
  const wallUs = (monoMs() - t0) * 1000;
  await loader.pace('none', 0);
  return (b.cpuUserUs + b.cpuSystemUs - a.cpuUserUs - a.cpuSystemUs) / wallUs;
}

interface Ingest {
  readonly message: Capacity;
  readonly ping: Capacity;
  readonly cpu: number;
  readonly agents: number;
}

async function measure(server: ServerHandle, agents: number, prefix: string): Promise<Ingest> {
  const loader = await AgentLoader.start();
  try {
    const ramp = await loader.connect(server.port, agents, prefix);
    if (ramp.failed > 0) console.warn(`ingest: ${ramp.failed} connects failed on ${server.label}`);
    const cpu = await profiled(server, 'ingest-paced', () =>
      cpuShare(server, loader, 'message', agents),
    );
    const message = await profiled(server, 'ingest-messages', () =>
      capacity(server, loader, 'message'),
    );
    const ping = await profiled(server, 'ingest-pings', () => capacity(server, loader, 'ping'));
    const closes = (await loader.counters()).closeCodes;
    if (Object.keys(closes).length > 0) console.warn(`ingest: closes on ${server.label}`, closes);
    return { message, ping, cpu, agents: ramp.opened };
  } finally {
    await loader.close().catch(() => {});
    await loader.stop();
  }
}

export async function runIngest(): Promise<Figure[]> {
  const agents = scaled(10_000, 50);
  const bareServer = await startBare('ws');
  const bare = await measure(bareServer, agents, 'ib-').finally(() => bareServer.stop());
  const gatewayServer = await startGateway({ env: HOLD_POLICY });
  const gw = await measure(gatewayServer, agents, 'ig-').finally(() => gatewayServer.stop());
  const name = 'bare ws';
  const note = (c: Capacity) =>
    c.generatorBound ? ' (generator-bound)' : c.sustained ? '' : ' (not sustained)';
  return [
    figure(`beat messages per second${note(gw.message)}`, 'beats/s', gw.agents, gw.message.rate, {
      name: `${name}${note(bare.message)}`,
      value: bare.message.rate,
      target: 'ratio >= 0.7',
    }),
    figure(`ping frames per second${note(gw.ping)}`, 'beats/s', gw.agents, gw.ping.rate, {
      name: `${name}${note(bare.ping)}`,
      value: bare.ping.rate,
      target: 'ratio >= 0.8',
    }),
    figure('CPU at one beat per agent per second', 'cores', gw.agents, gw.cpu, {
      name,
      value: bare.cpu,
      target: 'ratio <= 1.3',
    }),
  ];
}
