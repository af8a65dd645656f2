import { afterEach, describe, expect, it } from 'vitest';
import { filePrefixes } from './support/redis.js';
import { kinds, startNode, until, type TestNode } from './support/nodes.js';

const { prefix } = filePrefixes();
let nodes: TestNode[] = [];

afterEach(async () => {
  for (const n of nodes) await n.node.close();
  nodes = [];
});

async function cluster(count: number): Promise<TestNode[]> {
  const p = prefix('nodes');
  for (let i = 0; i < count; i++) nodes.push(await startNode(p, `n${i}`));
  return nodes;
}

describe('cluster nodes in one process', () => {
  it('a session connected on one node is seen, listed and controlled from another', async () => {
    const [a, b] = await cluster(2);
    a!.node.monitor.connect('s1', 'planner');
    await until(() => kinds(b!.seen, 's1').includes('registered'), 2000, 'registered on b');
    expect(b!.node.monitor.getStatus('s1')?.connected).toBe(true);
    expect(b!.node.monitor.listStatus().map((s) => s.session)).toEqual(['s1']);
    expect(b!.node.monitor.pause('s1', { by: 'dashboard', reason: 'maint' })).toBe(true);
    await until(() => kinds(a!.seen, 's1').includes('paused'), 2000, 'paused on a');
    expect(a!.node.monitor.getStatus('s1')?.pausedBy).toBe('dashboard');
    expect(b!.node.monitor.resume('s1', { by: 'dashboard' })).toBe(true);
    await until(
      () => kinds(a!.seen, 's1').includes('resumed') && kinds(b!.seen, 's1').includes('resumed'),
      2000,
      'resumed',
    );
    expect(a!.seen.map((t) => t.seq)).toEqual(b!.seen.map((t) => t.seq));
  });

  it('a reconnect elsewhere moves the session; the former owner is told and stays silent', async () => {
    const [a, b] = await cluster(2);
    const lost: string[] = [];
    a!.node.onLoss((_t, s, reason) => lost.push(`${s}:${reason}`));
    a!.node.monitor.connect('s1', 'planner');
    await until(() => kinds(b!.seen, 's1').includes('registered'));
    b!.node.monitor.connect('s1', 'planner');
    await until(() => lost.length === 1, 2000, 'loss notice');
    expect(lost).toEqual(['s1:replaced']);
    // Without beats the session times out once, decided by its new owner.
    await until(() => kinds(a!.seen, 's1').includes('timeout'), 3000, 'timeout');
    await new Promise((r) => setTimeout(r, 300));
    expect(kinds(a!.seen, 's1')).toEqual(['registered', 'reconnected', 'warning', 'timeout']);
    expect(a!.node.monitor.disconnect('s1')).toBe(false);
  });

  it('beats keep a session alive; flushed beats reach the other node', async () => {
    const [a, b] = await cluster(2);
    a!.node.monitor.connect('s1', 'planner');
    const started = Date.now();
    while (Date.now() - started < 1200) {
      a!.node.monitor.beat('s1', { status: 'working' });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(kinds(a!.seen, 's1')).toEqual(['registered']);
    await until(() => b!.node.monitor.getStatus('s1')?.status === 'working', 1000, 'beat flushed');
    expect(b!.node.monitor.getStatus('s1')!.msSinceBeat).toBeLessThan(400);
  });

  it('a node that leaves has its sessions timed out by a survivor, exactly once', async () => {
    const [a, b, c] = await cluster(3);
    for (let i = 0; i < 10; i++) a!.node.monitor.connect(`s${i}`, 'planner');
    await until(() => b!.seen.length === 10 && c!.seen.length === 10);
    await a!.node.close();
    nodes = nodes.filter((n) => n !== a);
    await until(() => b!.seen.filter((t) => t.kind === 'timeout').length === 10, 4000, 'timeouts');
    await new Promise((r) => setTimeout(r, 300));
    const timeouts = c!.seen
      .filter((t) => t.kind === 'timeout')
      .map((t) => t.session)
      .sort();
    expect(timeouts).toEqual([...Array(10).keys()].map((i) => `s${i}`).sort());
    expect(b!.seen.map((t) => t.seq)).toEqual(c!.seen.map((t) => t.seq));
    expect(b!.node.monitor.listStatus()).toEqual([]);
  });

  it('HTTP beats and unregisters on a node that does not own the session reach the owner', async () => {
    const [a, b] = await cluster(2);
    a!.node.monitor.connect('s1', 'planner');
    await until(() => kinds(b!.seen, 's1').includes('registered'));
    // A beat for a session B knows: forwarded, not registered again.
    expect(b!.node.monitor.register('s1', 'planner', { status: 'via http' })).toBe(false);
    await until(() => a!.node.monitor.getStatus('s1')?.status === 'via http', 2000, 'beat on a');
    // An unknown session registers where the call arrives.
    expect(b!.node.monitor.register('h1', 'planner')).toBe(true);
    await until(() => kinds(a!.seen, 'h1').includes('registered'), 2000, 'h1 on a');
    expect(b!.node.monitor.unregister('s1', { by: 'api' })).toBe(true);
    await until(
      () => [a!, b!].every((n) => kinds(n.seen, 's1').includes('unregistered')),
      2000,
      'unregistered',
    );
    expect(b!.node.monitor.getStatus('s1')).toBeUndefined();
    expect(a!.node.monitor.getStatus('s1')).toBeUndefined();
    expect(kinds(a!.seen, 's1')).toEqual(['registered', 'unregistered']);
    expect(b!.node.monitor.pause('nope', { by: 'api' })).toBe(false);
  });
});
