import { describe, expect, it } from 'vitest';
import { clusterTest } from './support/cluster-test.js';
import { type BeatingAgent, contiguous, kindsOf } from './support/fleet.js';
import {
  sleep,
  TIMEOUT_AFTER,
  TIMEOUT_MS,
  until,
  type GatewayProcess,
} from './support/gateways.js';
import { TcpProxy } from './support/proxy.js';
import { REDIS_URL } from './support/redis.js';

const OUTAGE_MS = 5_000;

const run = clusterTest('outage');

async function ready(node: GatewayProcess): Promise<number> {
  const res = await fetch(`${node.base}/readyz`);
  return res.status;
}

describe('Redis outage (through a TCP proxy the test controls)', () => {
  it('503 while away, local agents stay, no false timeout, one true timeout, state converges', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    run.afterKill(() => proxy.close());
    const redisUrl = `redis://127.0.0.1:${proxy.port}${target.pathname}`;
    const { nodes } = await run.gateways(['a', 'b'], { redisUrl });
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    const views = await Promise.all(nodes.map((n) => run.watch(n)));
    const beaters: BeatingAgent[] = [];
    for (let i = 0; i < 6; i++) beaters.push(await run.agent(`beat${i}`, i % 2 === 0 ? a : b));
    const quietA = await run.agent('quietA', a);
    const quietB = await run.agent('quietB', b);
    await until(() => views.every((v) => v.seen.length === 8), 3000, 'registrations');
    expect(await ready(a)).toBe(200);

    // Their timeouts fall inside the outage: decided by their own node, committed later.
    quietA.stop();
    quietB.stop();
    proxy.cut();
    const cutAt = Date.now();
    let saw503 = 0;
    while (Date.now() - cutAt < OUTAGE_MS) {
      if ((await ready(a)) === 503 && (await ready(b)) === 503) saw503++;
      await sleep(250);
    }
    expect(saw503).toBeGreaterThan(5);
    for (const agent of beaters) expect(agent.closes).toEqual([]);
    // A timeout decided locally closes its agent at once, Redis or not.
    expect([quietA.closes, quietB.closes]).toEqual([[4010], [4010]]);
    proxy.restore();
    const deadline = Date.now() + 10_000;
    while ((await ready(a)) !== 200 || (await ready(b)) !== 200) {
      if (Date.now() > deadline) throw new Error('not ready again');
      await sleep(100);
    }
    await until(
      () =>
        views.every(
          (v) =>
            kindsOf(v.seen, 'quietA').includes('timeout') &&
            kindsOf(v.seen, 'quietB').includes('timeout'),
        ),
      5000,
      'the timeouts decided during the outage',
    );
    // Past the grace period: nobody was taken for dead.
    await sleep(3_500 + TIMEOUT_AFTER);
    const [first, second] = views.map((v) => v.seen);
    expect(first!.map((t) => `${t.seq}:${t.kind}:${t.session}`)).toEqual(
      second!.map((t) => `${t.seq}:${t.kind}:${t.session}`),
    );
    expect(contiguous(first!)).toBe(true);
    expect(kindsOf(first!, 'quietA')).toEqual(['registered', 'warning', 'timeout']);
    expect(kindsOf(first!, 'quietB')).toEqual(['registered', 'warning', 'timeout']);
    for (const agent of beaters) {
      expect(kindsOf(first!, agent.session)).toEqual(['registered']);
      expect(agent.closes).toEqual([]);
    }
    // Both nodes list the same sessions, with fresh beats.
    for (const v of views) {
      const list = await v.dash.command('list', {});
      const sessions = list['sessions'] as { session: string; msSinceBeat: number }[];
      expect(sessions.map((s) => s.session).sort()).toEqual(beaters.map((x) => x.session).sort());
      for (const s of sessions) expect(s.msSinceBeat).toBeLessThan(TIMEOUT_MS);
    }
  });
});
