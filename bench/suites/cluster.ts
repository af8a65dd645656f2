/**
 * `connections-cluster` (issue 7): 50,000 agents over three gateway processes on one Redis (cluster mode),
 * each process holding a third: agents held, RSS and heap per connection, connects per
 * second over the concurrent ramp. Baseline: one bare `ws` process holding a third.
 * The three gateways share core 0 (the machine has two cores); the three generators
 * share core 1.
 */
import { Redis } from 'ioredis';
import { AgentLoader } from '../load/fleet.js';
import { monoMs, sleep } from '../lib/clock.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { HOLD_POLICY, startBare, startGateway, type ServerHandle } from '../servers/launch.js';

const NODES = 3;
/** Seconds between two beats of one agent while connections are held. */
const BEAT_PERIOD_S = 10;

interface Held {
  readonly open: number;
  readonly rssPerConn: number;
  readonly heapPerConn: number;
  readonly connectsPerSecond: number;
}

/** Connects `perServer` agents to each server at once, one generator per server. */
async function hold(servers: readonly ServerHandle[], perServer: number, prefix: string) {
  const loaders = await Promise.all(servers.map(() => AgentLoader.start()));
  try {
    const before = await Promise.all(servers.map((s) => s.stats({ gc: true })));
    const t0 = monoMs();
    const ramps = await Promise.all(
      loaders.map(async (loader, i) => {
        await loader.pace('message', perServer / BEAT_PERIOD_S);
        return loader.connect(servers[i]?.port ?? 0, perServer, `${prefix}${i}-`, 100);
      }),
    );
    const elapsed = monoMs() - t0;
    await sleep(3000);
    const after = await Promise.all(servers.map((s) => s.stats({ gc: true })));
    const counters = await Promise.all(loaders.map((l) => l.counters()));
    let open = 0;
    let rss = 0;
    let heap = 0;
    servers.forEach((_, i) => {
      const n = counters[i]?.open ?? 0;
      open += n;
      rss += ((after[i]?.rss ?? 0) - (before[i]?.rss ?? 0)) / Math.max(1, n);
      heap += ((after[i]?.heapUsed ?? 0) - (before[i]?.heapUsed ?? 0)) / Math.max(1, n);
    });
    const opened = ramps.reduce((sum, r) => sum + r.opened, 0);
    const held: Held = {
      open,
      rssPerConn: rss / servers.length,
      heapPerConn: heap / servers.length,
      connectsPerSecond: (opened * 1000) / elapsed,
    };
    return held;
  } finally {
    await Promise.all(loaders.map((l) => l.close().catch(() => {})));
    await Promise.all(loaders.map((l) => l.stop()));
  }
}

async function dropKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function runCluster(): Promise<Figure[]> {
  const total = scaled(50_000, 60);
  const perServer = Math.ceil(total / NODES);
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  // One fixed prefix, dropped before and after: a run killed half-way (the watchdog, ^C)
  // leaves nothing behind for the next one.
  const prefix = 'pulsegate-bench-cluster:';
  await dropKeys(url, prefix);

  const bareServer = await startBare('ws');
  const bare = await hold([bareServer], perServer, 'kb-').finally(() => bareServer.stop());

  const gateways: ServerHandle[] = [];
  let gw: Held;
  try {
    for (let i = 0; i < NODES; i++) {
      const env = {
        ...HOLD_POLICY,
        PULSEGATE_REDIS_URL: url,
        PULSEGATE_REDIS_PREFIX: prefix,
        PULSEGATE_NODE_ID: `bench-${i + 1}`,
      };
      gateways.push(await startGateway({ env }));
    }
    gw = await hold(gateways, perServer, 'kg-');
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
    await dropKeys(url, prefix);
  }
  const name = 'bare ws (one process, a third)';
  return [
    figure(
      `agents held by ${NODES} gateways`,
      'connections',
      total,
      gw.open,
      undefined,
      `value >= ${NODES * perServer}`,
    ),
    figure('RSS per connection', 'B', gw.open, gw.rssPerConn, { name, value: bare.rssPerConn }),
    figure('heap per connection', 'B', gw.open, gw.heapPerConn, { name, value: bare.heapPerConn }),
    figure('connects per second (all nodes)', 'conn/s', gw.open, gw.connectsPerSecond, {
      name,
      value: bare.connectsPerSecond,
    }),
  ];
}
