/**
 * `connections`: 10,000 and 19,000 authenticated agents on one gateway process, beating
 * every 5 s: RSS and heap per connection (after a forced GC) and connects per second
 * with JWT verification. Baseline: a bare `ws` server holding the same connections.
 */
import { AgentLoader } from '../load/fleet.js';
import { sleep } from '../lib/clock.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { HOLD_POLICY, startBare, startGateway, type ServerHandle } from '../servers/launch.js';
import { profiled } from '../servers/profile-window.js';

interface Point {
  readonly agents: number;
  readonly open: number;
  readonly rssPerConn: number;
  readonly heapPerConn: number;
}

interface Holding {
  readonly points: Point[];
  /** Connects per second over the ramp from zero to the first count. */
  readonly connectsPerSecond: number;
  readonly failed: number;
}

/** Seconds between two beats of one agent while connections are held. */
const BEAT_PERIOD_S = 5;

async function hold(server: ServerHandle, steps: readonly number[], prefix: string) {
  const loader = await AgentLoader.start();
  try {
    const before = await server.stats({ gc: true });
    const points: Point[] = [];
    let total = 0;
    let connectsPerSecond = 0;
    let failed = 0;
    for (const target of steps) {
      const ramp = await profiled(server, `connections-${target}`, () =>
        loader.connect(server.port, target - total, prefix),
      );
      if (total === 0) connectsPerSecond = (ramp.opened * 1000) / ramp.elapsedMs;
      failed += ramp.failed;
      total = target;
      await loader.pace('message', total / BEAT_PERIOD_S);
      await sleep(2000);
      const now = await server.stats({ gc: true });
      const { open } = await loader.counters();
      points.push({
        agents: target,
        open,
        rssPerConn: (now.rss - before.rss) / open,
        heapPerConn: (now.heapUsed - before.heapUsed) / open,
      });
    }
    await loader.pace('none', 0);
    const held: Holding = { points, connectsPerSecond, failed };
    return held;
  } finally {
    await loader.close().catch(() => {});
    await loader.stop();
  }
}

export async function runConnections(): Promise<Figure[]> {
  const steps = [scaled(10_000, 20), scaled(19_000, 40)];
  const bareServer = await startBare('ws');
  const bare = await hold(bareServer, steps, 'cb-').finally(() => bareServer.stop());
  const gatewayServer = await startGateway({ env: HOLD_POLICY });
  const gw = await hold(gatewayServer, steps, 'cg-').finally(() => gatewayServer.stop());

  const figures: Figure[] = [];
  const name = 'bare ws';
  for (const [i, agents] of steps.entries()) {
    const g = gw.points[i];
    const b = bare.points[i];
    if (g === undefined || b === undefined) continue;
    const k = `${agents.toLocaleString('en-US')} agents`;
    figures.push(
      figure(
        `agents held (${k})`,
        'connections',
        agents,
        g.open,
        { name, value: b.open },
        `value >= ${agents}`,
      ),
    );
    figures.push(
      figure(`RSS per connection (${k})`, 'B', g.open, g.rssPerConn, {
        name,
        value: b.rssPerConn,
        target: 'ratio <= 1.5',
      }),
    );
    figures.push(
      figure(`heap per connection (${k})`, 'B', g.open, g.heapPerConn, {
        name,
        value: b.heapPerConn,
      }),
    );
  }
  figures.push(
    figure('connects per second (JWT verified)', 'conn/s', steps[0] ?? 0, gw.connectsPerSecond, {
      name,
      value: bare.connectsPerSecond,
      target: 'ratio >= 0.5',
    }),
  );
  figures.push(
    figure('failed connects', 'connections', steps[1] ?? 0, gw.failed, {
      name,
      value: bare.failed,
    }),
  );
  return figures;
}
