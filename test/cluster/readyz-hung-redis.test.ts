import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../bench/cluster/redis-server.js';
import { clusterTest } from './support/cluster-test.js';
import { type BeatingAgent, kindsOf } from './support/fleet.js';
import { sleep, TIMEOUT_MS, until, type GatewayProcess } from './support/gateways.js';

const run = clusterTest('hung');

const started: RedisServer[] = [];
/** Never leaves a stopped Redis behind: continued, then killed (SIGKILL works on it anyway). */
function killRedis(): void {
  for (const redis of started.splice(0)) redis.kill();
}
// On a crash, startRedisServer's own exit hook kills what is still running.
afterAll(killRedis);

/**
 * A throw-away redis-server of this file's own, so that it can be frozen (SIGSTOP). Its
 * failure to start (not installed, say) fails the test that asked, with the reason.
 */
async function privateRedis(): Promise<RedisServer> {
  const redis = await startRedisServer();
  started.push(redis);
  run.afterKill(killRedis);
  return redis;
}

async function ready(node: GatewayProcess): Promise<number> {
  return (await fetch(`${node.base}/readyz`)).status;
}

const said = (node: GatewayProcess, msg: string) =>
  node.lines.filter((l) => l['msg'] === msg && l['reason'] !== undefined).length;

describe('a Redis that stops answering (SIGSTOP, connection open)', () => {
  it('503 within seconds, logged once, 200 again once it answers, nobody reaped, agents stay', async () => {
    const redis = await privateRedis();
    const { nodes } = await run.gateways(['a', 'b'], { redisUrl: redis.url });
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    const views = await Promise.all(nodes.map((n) => run.watch(n)));
    const agents: BeatingAgent[] = [];
    for (let i = 0; i < 4; i++) agents.push(await run.agent(`hung${i}`, i % 2 === 0 ? a : b));
    await until(() => views.every((v) => v.seen.length === 4), 3_000, 'registrations');
    // Past the grace period of the start: reaping is live when Redis freezes.
    await sleep(3_000);
    expect([await ready(a), await ready(b)]).toEqual([200, 200]);

    try {
      redis.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      // Detected within probeMs + probeTimeoutMs (3 s by default), plus slack.
      while ((await ready(a)) !== 503 || (await ready(b)) !== 503) {
        if (Date.now() - stoppedAt > 5_000) throw new Error('still ready 5 s into the freeze');
        await sleep(100);
      }
      // Frozen longer than ttlMs: every node's last mark is old when Redis wakes up.
      await sleep(1_000);
      expect([await ready(a), await ready(b)]).toEqual([503, 503]);
    } finally {
      redis.child.kill('SIGCONT');
    }
    const resumedAt = Date.now();
    while ((await ready(a)) !== 200 || (await ready(b)) !== 200) {
      if (Date.now() - resumedAt > 3_000) throw new Error('not ready 3 s after the freeze');
      await sleep(50);
    }
    for (const node of nodes) {
      expect(said(node, 'redis unreachable')).toBe(1);
      expect(node.lines.filter((l) => l['msg'] === 'redis answers again')).toHaveLength(1);
    }

    // Past the grace period after the freeze: nobody was taken for dead.
    await sleep(3_500);
    for (const node of nodes) {
      expect(node.lines.filter((l) => l['msg'] === 'dead node reaped')).toEqual([]);
    }
    for (const agent of agents) expect(agent.closes).toEqual([]);
    for (const v of views) {
      for (const agent of agents) expect(kindsOf(v.seen, agent.session)).toEqual(['registered']);
      const list = await v.dash.command('list', {});
      const sessions = list['sessions'] as { session: string; msSinceBeat: number }[];
      expect(sessions.map((s) => s.session).sort()).toEqual(agents.map((x) => x.session).sort());
      for (const s of sessions) expect(s.msSinceBeat).toBeLessThan(TIMEOUT_MS);
    }
  }, 25_000);
});

describe('a node stopped while Redis is frozen', () => {
  it('exits anyway (nothing waits forever on a Redis that does not answer)', async () => {
    const redis = await privateRedis();
    const { nodes } = await run.gateways(['c'], { redisUrl: redis.url });
    const [c] = nodes as [GatewayProcess];
    await run.agent('frozen0', c);
    try {
      redis.child.kill('SIGSTOP');
      // Before the probe finds the freeze: the node still takes Redis for reachable.
      await sleep(300);
      const stoppingAt = Date.now();
      await c.stop();
      expect(c.child.exitCode).toBe(0);
      expect(Date.now() - stoppingAt).toBeLessThan(8_000);
    } finally {
      redis.child.kill('SIGCONT');
    }
  }, 15_000);
});
