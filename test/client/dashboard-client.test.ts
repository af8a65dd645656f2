import { io as realIo, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import {
  AgentClient,
  DashboardClient,
  PulsegateError,
  type Transition,
} from '../../client/index.js';
import { mintToken } from '../../server/auth/mint.js';
import {
  agentToken,
  cleanupAfterEach,
  dashboardToken,
  SECRET,
  SLOW,
  startGateway,
  until,
  type TestGateway,
} from './gateway-harness.js';

/* The dashboard client's commands, refusals, filters and resyncs, against the real gateway. */

const cleanup = cleanupAfterEach();

async function gateway(): Promise<TestGateway> {
  const g = await startGateway({ config: SLOW });
  cleanup.push(() => g.close());
  return g;
}

async function agentOn(g: TestGateway, id: string, agentType = 'planner', tenant?: string) {
  const client = new AgentClient({
    url: g.wsUrl,
    token: await agentToken(id, { agentType, tenant }),
  });
  cleanup.push(() => client.close());
  await client.connect();
  return client;
}

function dashboard(g: TestGateway, token: string | (() => Promise<string>), extra = {}) {
  const dash = new DashboardClient({ url: g.httpUrl, token, ...extra });
  cleanup.push(() => dash.close());
  return dash;
}

describe('DashboardClient', () => {
  it('connects with a snapshot, follows transitions and runs commands', async () => {
    const g = await gateway();
    const a = await agentOn(g, 'w1');
    const dash = dashboard(g, await dashboardToken());
    const changes: Transition[] = [];
    dash.on('change', (t) => changes.push(t));
    await dash.connect();
    expect(dash.connected).toBe(true);
    expect([...dash.sessions.keys()]).toEqual(['w1']);
    expect(dash.sessions.get('w1')).toMatchObject({
      state: 'healthy',
      connected: true,
      agentType: 'planner',
    });

    const paused = new Promise((resolve) => a.once('paused', resolve));
    await dash.pause('w1', 'maintenance');
    await paused;
    await until(() => dash.sessions.get('w1')?.paused === true);
    expect(dash.sessions.get('w1')).toMatchObject({
      state: 'paused',
      pausedBy: 'dashboard',
      pauseReason: 'maintenance',
    });
    await dash.resume('w1');
    await until(() => dash.sessions.get('w1')?.paused === false);
    expect(await dash.list()).toHaveLength(1);
    const closed = new Promise<number>((resolve) => a.once('closed', ({ code }) => resolve(code)));
    await dash.unregister('w1');
    expect(await closed).toBe(4011);
    await until(() => dash.sessions.size === 0);
    expect(changes.map((t) => t.kind)).toEqual(['paused', 'resumed', 'unregistered']);
  });

  it('rejects commands with the contract codes', async () => {
    const g = await gateway();
    await agentOn(g, 'w2');
    const reader = dashboard(g, await dashboardToken('sessions:read'));
    await reader.connect();
    await expect(reader.pause('w2')).rejects.toMatchObject({ code: 'forbidden' });
    const dash = dashboard(g, await dashboardToken());
    await dash.connect();
    await expect(dash.pause('nobody')).rejects.toMatchObject({ code: 'not_found' });
    await expect(dash.resume('not a valid id!')).rejects.toMatchObject({ code: 'invalid' });
    const error: unknown = await dash.unregister('nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulsegateError);
    dash.close();
    await expect(dash.list()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('rejects connect() with unauthorized or forbidden', async () => {
    const g = await gateway();
    await expect(dashboard(g, 'nope').connect()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(dashboard(g, await agentToken('a1')).connect()).rejects.toMatchObject({
      code: 'forbidden',
    });
    const down = dashboard(g, 'x', {
      url: 'http://127.0.0.1:1',
      reconnect: { minMs: 10, maxMs: 10 },
    });
    await expect(down.connect()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('narrows to a filter, and keeps it across a reconnect', async () => {
    const g = await gateway();
    await agentOn(g, 'p1', 'planner');
    await agentOn(g, 'c1', 'coder');
    let socket: Socket | undefined;
    const dash = dashboard(g, await dashboardToken(), {
      io: (url: string, o: object) => (socket = realIo(url, o)),
    });
    await dash.connect();
    expect(dash.sessions.size).toBe(2);
    const snapshot = await dash.subscribe({ agentTypes: ['coder'] });
    expect(snapshot.sessions.map((s) => s.session)).toEqual(['c1']);
    expect([...dash.sessions.keys()]).toEqual(['c1']);
    await agentOn(g, 'p2', 'planner');
    await agentOn(g, 'c2', 'coder');
    await until(() => dash.sessions.has('c2'));
    expect([...dash.sessions.keys()].sort()).toEqual(['c1', 'c2']);

    const synced = new Promise((resolve) => dash.once('sync', () => resolve(undefined)));
    socket?.io.engine.close();
    await synced;
    await agentOn(g, 'c3', 'coder');
    await agentOn(g, 'p3', 'planner');
    await until(() => dash.sessions.has('c3'));
    expect([...dash.sessions.keys()].sort()).toEqual(['c1', 'c2', 'c3']);

    await dash.subscribe({});
    expect(dash.sessions.size).toBe(6);
  });

  it('resynchronises on a seq gap (events of another tenant) and stays exact', async () => {
    const g = await gateway();
    const dash = dashboard(g, await dashboardToken());
    await dash.connect();
    const syncs: number[] = [];
    dash.on('sync', ({ seq }) => syncs.push(seq));
    await agentOn(g, 'mine-1');
    await until(() => dash.sessions.has('mine-1'));
    // The other tenant's transitions take seqs this dashboard never sees.
    const theirs = await agentOn(g, 'theirs-1', 'planner', 'other');
    theirs.pause('x');
    await until(
      () => g.gateway.monitor.getStatus('theirs-1', { tenant: 'other' })?.paused === true,
    );
    await agentOn(g, 'mine-2');
    await until(() => dash.sessions.has('mine-2') && dash.seq === g.gateway.events.seq);
    expect(syncs.length).toBeGreaterThanOrEqual(1);
    expect([...dash.sessions.keys()].sort()).toEqual(['mine-1', 'mine-2']);

    // Without resync on gaps, the same stream is applied as it comes.
    const lenient = dashboard(g, await dashboardToken(), { resyncOnGap: false });
    await lenient.connect();
    const lenientSyncs: number[] = [];
    lenient.on('sync', ({ seq }) => lenientSyncs.push(seq));
    theirs.resume();
    await agentOn(g, 'mine-3');
    await until(() => lenient.sessions.has('mine-3'));
    expect(lenientSyncs).toEqual([]);
  });

  it('asks its token function again on every reconnect', async () => {
    const g = await gateway();
    let socket: Socket | undefined;
    let calls = 0;
    const token = await dashboardToken();
    const dash = dashboard(
      g,
      async () => {
        calls += 1;
        return token;
      },
      { io: (url: string, o: object) => (socket = realIo(url, o)) },
    );
    await dash.connect();
    const back = new Promise((resolve) => dash.once('connected', () => resolve(undefined)));
    socket?.io.engine.close();
    await back;
    expect(calls).toBe(2);
  });

  it('reconnects after the gateway restarts, with the sessions it then has', async () => {
    const first = await startGateway({ config: SLOW });
    const port = first.port;
    const dash = dashboard(first, await dashboardToken(), { reconnect: { minMs: 50, maxMs: 100 } });
    await dash.connect();
    const states: string[] = [];
    dash.on('disconnected', () => states.push('disconnected'));
    dash.on('connected', () => states.push('connected'));
    await first.close();
    await until(() => states.length === 1, 5_000, 'the disconnect');
    const second = await startGateway({ config: SLOW, port });
    cleanup.push(() => second.close());
    await agentOn(second, 'after-restart');
    await until(() => dash.sessions.has('after-restart'), 10_000, 'the session on the new gateway');
    expect(states).toEqual(['disconnected', 'connected']);
  });

  it('a dashboard of one tenant sees its tenant only', async () => {
    const g = await gateway();
    await agentOn(g, 'shared-id', 'planner', 'blue');
    await agentOn(g, 'shared-id', 'coder', 'green');
    const blue = dashboard(
      g,
      await mintToken({
        secret: SECRET,
        sub: 'u',
        scope: 'sessions:read',
        tenant: 'blue',
        ttlSeconds: 60,
      }),
    );
    await blue.connect();
    expect([...blue.sessions.values()].map((s) => [s.session, s.tenant, s.agentType])).toEqual([
      ['shared-id', 'blue', 'planner'],
    ]);
  });
});
