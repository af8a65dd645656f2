import { describe, expect, it } from 'vitest';
import { clusterTest } from './support/cluster-test.js';
import { type BeatingAgent, contiguous, kindsOf } from './support/fleet.js';
import { REDIS_URL } from './support/redis.js';
import {
  sleep,
  startGateway,
  TAKEOVER_BOUND_MS,
  TIMEOUT_AFTER,
  until,
  type GatewayProcess,
} from './support/gateways.js';

const { gateways, agent, watch } = clusterTest('gw');

describe('cluster of gateway processes on one Redis', () => {
  it('three gateways: a dashboard on each sees every transition once, in one seq order', async () => {
    const { nodes } = await gateways(['a', 'b', 'c']);
    const views = await Promise.all(nodes.map((n) => watch(n)));
    const fleet: BeatingAgent[] = [];
    for (let i = 0; i < 9; i++) fleet.push(await agent(`s${i}`, nodes[i % 3]!));
    // Every kind a dashboard can cause, from a node that owns none of the sessions it controls.
    const control = views[1]!.dash;
    expect(await control.command('pause', { session: 's0', reason: 'maint' })).toEqual({
      ok: true,
    });
    expect(await control.command('resume', { session: 's0' })).toEqual({ ok: true });
    fleet[3]!.stop();
    fleet[5]!.send({ type: 'bye' });
    await until(
      () => views.every((v) => kindsOf(v.seen, 's3').includes('timeout')),
      TIMEOUT_AFTER + 3000,
      'timeout of s3 everywhere',
    );
    await until(
      () => views.every((v) => kindsOf(v.seen, 's5').includes('unregistered')),
      3000,
      'unregistered',
    );
    await sleep(300);
    const [a, b, c] = views.map((v) => v.seen.map((t) => `${t.seq}:${t.kind}:${t.session}`));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const seen = views[0]!.seen;
    expect(contiguous(seen)).toBe(true);
    expect(
      seen
        .filter((t) => t.kind === 'registered')
        .map((t) => t.session)
        .sort(),
    ).toEqual(fleet.map((f) => f.session).sort());
    expect(kindsOf(seen, 's0')).toEqual(['registered', 'paused', 'resumed']);
    expect(kindsOf(seen, 's3')).toEqual(['registered', 'warning', 'timeout']);
    expect(kindsOf(seen, 's5')).toEqual(['registered', 'unregistered']);
    for (const s of ['s1', 's2', 's4', 's6', 's7', 's8'])
      expect(kindsOf(seen, s)).toEqual(['registered']);
    const list = await control.command('list', {});
    const live = (list['sessions'] as { session: string }[]).map((s) => s.session).sort();
    expect(live).toEqual(['s0', 's1', 's2', 's4', 's6', 's7', 's8']);
  });

  it("kill -9: the dead node's sessions time out on schedule once; movers keep theirs", async () => {
    const { prefix, nodes } = await gateways(['a', 'b', 'c']);
    const [a, b, c] = nodes as [GatewayProcess, GatewayProcess, GatewayProcess];
    const onB = await watch(b);
    const stoppers = await Promise.all([0, 1, 2].map((i) => agent(`dead${i}`, a)));
    const movers = await Promise.all([0, 1, 2].map((i) => agent(`move${i}`, a)));
    for (const m of movers) m.moveTo = () => c.ws;
    const steady = await agent('steady', b);
    await sleep(600);
    await a.kill9();
    const killedAt = Date.now();
    const lastBeat = new Map(stoppers.map((s) => [s.session, s.lastBeatAt]));
    await until(
      () => stoppers.every((s) => kindsOf(onB.seen, s.session).includes('timeout')),
      TIMEOUT_AFTER + TAKEOVER_BOUND_MS + 1000,
      "timeouts of the dead node's sessions",
    );
    await sleep(TIMEOUT_AFTER + 500);
    const seen = onB.seen;
    expect(contiguous(seen)).toBe(true);
    for (const s of stoppers) {
      const kinds = kindsOf(seen, s.session);
      expect(kinds.filter((k) => k === 'timeout')).toHaveLength(1);
      const timeout = seen.find((t) => t.session === s.session && t.kind === 'timeout')!;
      const nominal = (lastBeat.get(s.session) ?? killedAt) + TIMEOUT_AFTER;
      // Detected no later than 5 s after its nominal time ...
      expect(timeout.arrived - nominal).toBeLessThanOrEqual(TAKEOVER_BOUND_MS);
      // ... and never early by more than the beats the dead node had not flushed.
      // (the flush period + a beat period + slack for a loaded machine)
      expect(Date.parse(timeout.at) - nominal).toBeGreaterThan(-1_000);
    }
    for (const m of movers) {
      const kinds = kindsOf(seen, m.session);
      expect(kinds).toContain('reconnected');
      expect(kinds).not.toContain('timeout');
    }
    expect(kindsOf(seen, 'steady')).toEqual(['registered']);
    expect(steady.closes).toEqual([]);

    // The node comes back under the same name and serves again, with everyone's state.
    const again = await startGateway('a', REDIS_URL, prefix);
    const onA = await watch(again);
    const snap = await onA.dash.next('snapshot');
    const names = (snap['sessions'] as { session: string }[]).map((s) => s.session).sort();
    expect(names).toEqual(['move0', 'move1', 'move2', 'steady']);
    const back = await agent('back', again);
    await until(
      () => kindsOf(onB.seen, 'back').length > 0 && kindsOf(onA.seen, 'back').length > 0,
      3000,
      'rejoined node',
    );
    expect(kindsOf(onA.seen, 'back')).toEqual(['registered']);
    back.close();
  });

  it('a dashboard that reconnects to another node with since gets exactly what it missed', async () => {
    const { nodes } = await gateways(['a', 'b']);
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    const stay = await watch(a);
    const first = await watch(b);
    await agent('x0', a);
    await agent('x1', b);
    await until(() => first.seen.length === 2, 3000, 'two registrations');
    const since = first.seen[first.seen.length - 1]!.seq;
    first.dash.close();
    const x2 = await agent('x2', b);
    x2.send({ type: 'pause', reason: 'thinking' });
    await agent('x3', a);
    await until(() => stay.seen.length === 5, 3000, 'missed events');
    const back = await watch(a, since);
    await until(() => back.seen.length === 3, 3000, 'replay');
    await sleep(200);
    expect(back.dash.pending('snapshot')).toEqual([]);
    expect(back.seen.map((t) => `${t.seq}:${t.kind}:${t.session}`)).toEqual(
      stay.seen.slice(2).map((t) => `${t.seq}:${t.kind}:${t.session}`),
    );
  });

  it('a node stopped with SIGTERM hands its sessions over at once', async () => {
    const { nodes } = await gateways(['a', 'b']);
    const [a, b] = nodes as [GatewayProcess, GatewayProcess];
    const onA = await watch(a);
    const leaving = await agent('leaving', b);
    await until(() => kindsOf(onA.seen, 'leaving').includes('registered'), 3000, 'registered');
    // A node reaps only once it has been up for the grace period (3 s): it cannot tell a
    // fresh start from Redis coming back.
    await sleep(3_000);
    await b.stop();
    const stoppedAt = Date.now();
    expect(leaving.closes).toEqual([1001]);
    await until(
      () => kindsOf(onA.seen, 'leaving').includes('timeout'),
      TIMEOUT_AFTER + 3000,
      'timeout decided by the survivor',
    );
    expect(kindsOf(onA.seen, 'leaving')).toEqual([
      'registered',
      'disconnected',
      'warning',
      'timeout',
    ]);
    const timeout = onA.seen.find((t) => t.kind === 'timeout' && t.session === 'leaving')!;
    // No waiting for a liveness timeout: the survivor times it like its own.
    expect(timeout.arrived - stoppedAt).toBeLessThan(TIMEOUT_AFTER + 1500);
    expect(contiguous(onA.seen)).toBe(true);
  });
});
