import { describe, expect, it } from 'vitest';
import { AgentClient, PulsegateError } from '../../client/index.js';
import { MemoryStore } from '../../server/monitor/store.js';
import {
  agentToken,
  beatsVia,
  cleanupAfterEach,
  controlledWebSocket,
  dashboardToken,
  FAST,
  sleep,
  gatewaysFor,
  startGateway,
  until,
  type SocketControl,
} from './gateway-harness.js';

/* The Node agent client against the real gateway, over real sockets on 127.0.0.1 (FAST). */

const cleanup = cleanupAfterEach();

const { gatewayFor, record, kinds } = gatewaysFor(cleanup);

function agent(options: ConstructorParameters<typeof AgentClient>[0]): AgentClient {
  const client = new AgentClient({ random: () => 0, ...options });
  cleanup.push(() => client.close());
  return client;
}

describe('AgentClient (Node) against the gateway', () => {
  for (const beatWith of ['ping', 'message'] as const) {
    it(`beats with ${beatWith}s at the advised period and stays healthy`, async () => {
      const g = await gatewayFor();
      const seen = record(g);
      const before = await beatsVia(g.httpUrl, beatWith);
      const a = agent({ url: g.wsUrl, token: await agentToken(`beat-${beatWith}`), beatWith });
      const welcome = await a.connect();
      expect(welcome).toMatchObject({
        type: 'welcome',
        session: `beat-${beatWith}`,
        resumed: false,
      });
      expect(welcome.policy.beatIntervalMs).toBe(400);
      await sleep(3_000); // two and a half timeouts
      expect(kinds(seen, `beat-${beatWith}`)).toEqual(['registered']);
      expect(g.gateway.monitor.getStatus(`beat-${beatWith}`)).toMatchObject({ healthy: true });
      expect((await beatsVia(g.httpUrl, beatWith)) - before).toBeGreaterThanOrEqual(5);
    });
  }

  it('a hung agent (frames dropped) gets warnings, then times out and starts a new session', async () => {
    const g = await gatewayFor();
    const seen = record(g);
    const controls: SocketControl[] = [];
    const WebSocket = controlledWebSocket((c) => controls.push(c));
    const a = agent({
      url: g.wsUrl,
      token: await agentToken('hung'),
      beatWith: 'message',
      WebSocket,
    });
    const warnings: number[] = [];
    const disconnects: { code: number; willReconnect: boolean }[] = [];
    const reconnects: boolean[] = [];
    a.on('warning', ({ missedBeats }) => warnings.push(missedBeats));
    a.on('disconnected', ({ code, willReconnect }) => disconnects.push({ code, willReconnect }));
    a.on('reconnected', (w) => reconnects.push(w.resumed));
    await a.connect();
    controls[0]!.muted = true;
    await until(() => reconnects.length === 1, 6_000, 'the reconnect after the timeout');
    expect(warnings).toEqual([1, 2]);
    expect(disconnects).toEqual([{ code: 4010, willReconnect: true }]);
    expect(reconnects).toEqual([false]); // a new session: the old one timed out
    expect(kinds(seen, 'hung')).toEqual([
      'registered',
      'warning',
      'missed',
      'timeout',
      'registered',
    ]);
  });

  it('in ping mode, a connection that answers no pong is dropped and replaced', async () => {
    const g = await gatewayFor({ timeoutMs: 3_000, checkIntervalMs: 500, maxMissedBeats: 3 });
    const seen = record(g);
    const controls: SocketControl[] = [];
    const WebSocket = controlledWebSocket((c) => controls.push(c));
    const a = agent({ url: g.wsUrl, token: await agentToken('silent'), WebSocket });
    const disconnects: number[] = [];
    a.on('disconnected', ({ code }) => disconnects.push(code));
    await a.connect();
    // Muting our pings means no pongs come back: the client must notice within two beats.
    controls[0]!.muted = true;
    const reconnected = new Promise((resolve) => a.once('reconnected', resolve));
    await reconnected;
    expect(disconnects).toEqual([1006]);
    expect(controls).toHaveLength(2);
    expect(kinds(seen, 'silent')).toEqual(['registered', 'disconnected', 'reconnected']);
  });

  it('reconnects by itself to a restarted gateway and keeps its session', async () => {
    const store = new MemoryStore();
    const first = await startGateway({ config: FAST, store });
    const port = first.port;
    const a = agent({
      url: first.wsUrl,
      token: await agentToken('restart'),
      reconnect: { minMs: 50, maxMs: 200 },
    });
    const events: string[] = [];
    a.on('disconnected', ({ code }) => events.push(`disconnected ${code}`));
    a.on('reconnected', (w) => events.push(`reconnected ${w.session} resumed=${w.resumed}`));
    await a.connect();
    await first.close();
    await until(() => events.length === 1, 5_000, 'the 1001 close');
    const second = await gatewayFor(FAST, { port, store });
    const seen = record(second);
    await until(() => events.length === 2, 5_000, 'the reconnect');
    expect(events).toEqual(['disconnected 1001', 'reconnected restart resumed=true']);
    expect(kinds(seen, 'restart')).toEqual(['reconnected']);
    await sleep(800); // beats go on over the new connection
    expect(second.gateway.monitor.getStatus('restart')).toMatchObject({
      connected: true,
      healthy: true,
    });
  });

  it('stops for good when replaced (4009) and when unregistered (4011)', async () => {
    const g = await gatewayFor();
    const token = await agentToken('twin');
    const first = agent({ url: g.wsUrl, token, reconnect: { minMs: 10, maxMs: 20 } });
    const closed: number[] = [];
    first.on('closed', ({ code }) => closed.push(code));
    await first.connect();
    const second = agent({ url: g.wsUrl, token });
    const welcome = await second.connect();
    expect(welcome.resumed).toBe(true);
    await until(() => closed.length === 1, 2_000, 'the 4009 close');
    expect(closed).toEqual([4009]);
    await sleep(300); // no reconnect would steal the session back
    expect(second.connected).toBe(true);
    expect(first.connected).toBe(false);

    const secondClosed = new Promise<number>((resolve) =>
      second.once('closed', ({ code }) => resolve(code)),
    );
    const res = await fetch(`${g.httpUrl}/v1/sessions/twin`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await dashboardToken()}` },
    });
    expect(res.status).toBe(204);
    expect(await secondClosed).toBe(4011);
  });

  it('refreshes an expiring token with `refresh`, without reconnecting', async () => {
    const g = await gatewayFor({ timeoutMs: 5_000, checkIntervalMs: 1_000, maxMissedBeats: 3 });
    const seen = record(g);
    let minted = 0;
    const a = agent({
      url: g.wsUrl,
      token: async () => {
        minted += 1;
        return agentToken('fresh', { ttlSeconds: 2 });
      },
      refreshMarginMs: 500,
    });
    const events: string[] = [];
    a.on('disconnected', ({ code }) => events.push(`disconnected ${code}`));
    a.on('error', (e) => events.push(`error ${e.code}`));
    await a.connect();
    await sleep(4_500); // past two expiries
    expect(events).toEqual([]);
    expect(minted).toBeGreaterThanOrEqual(3);
    expect(a.connected).toBe(true);
    expect(kinds(seen, 'fresh')).toEqual(['registered']);
  });

  it('with a fixed token, stops at its expiry (4001) instead of reconnecting', async () => {
    const g = await gatewayFor({ timeoutMs: 5_000, checkIntervalMs: 1_000, maxMissedBeats: 3 });
    const a = agent({ url: g.wsUrl, token: await agentToken('fixed', { ttlSeconds: 1 }) });
    const closed = new Promise<number>((resolve) => a.once('closed', ({ code }) => resolve(code)));
    await a.connect();
    expect(await closed).toBe(4001);
  });

  it('rejects connect() with unauthorized (401) and forbidden (403)', async () => {
    const g = await gatewayFor();
    const bad = agent({ url: g.wsUrl, token: 'not-a-jwt' });
    await expect(bad.connect()).rejects.toMatchObject({
      name: 'PulsegateError',
      code: 'unauthorized',
    });
    const noScope = agent({ url: g.wsUrl, token: await dashboardToken() });
    const error: unknown = await noScope.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulsegateError);
    expect(error).toMatchObject({ code: 'forbidden' });
    const nobody = agent({ url: 'ws://127.0.0.1:1', token: await agentToken('x') });
    await expect(nobody.connect()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('may connect() again after a first connect failed', async () => {
    const gone = await startGateway({ config: FAST });
    await gone.close();
    const a = agent({ url: gone.wsUrl, token: await agentToken('patient') });
    await expect(a.connect()).rejects.toMatchObject({ code: 'unavailable' });
    await gatewayFor(FAST, { port: gone.port });
    expect((await a.connect()).session).toBe('patient');
  });

  it('pauses and resumes; hears pauses by others; says bye on close and on `await using`', async () => {
    const g = await gatewayFor();
    const seen = record(g);
    const heard: string[] = [];
    {
      await using a = new AgentClient({ url: g.wsUrl, token: await agentToken('scoped') });
      a.on('paused', ({ by, reason }) => heard.push(`paused ${by} ${reason}`));
      a.on('resumed', ({ by }) => heard.push(`resumed ${by}`));
      await a.connect();
      a.pause('awaiting user input');
      await until(() => g.gateway.monitor.getStatus('scoped')?.paused === true);
      expect(g.gateway.monitor.getStatus('scoped')).toMatchObject({
        pausedBy: 'agent',
        pauseReason: 'awaiting user input',
      });
      a.resume();
      a.status('step 2');
      await until(() => g.gateway.monitor.getStatus('scoped')?.status === 'step 2');
      expect(g.gateway.monitor.getStatus('scoped')?.paused).toBe(false);
      g.gateway.monitor.pause('scoped', { by: 'api', reason: 'maintenance' });
      g.gateway.monitor.resume('scoped', { by: 'dashboard' });
      await until(() => heard.length === 2);
    }
    expect(heard).toEqual(['paused api maintenance', 'resumed dashboard']);
    expect(kinds(seen, 'scoped')).toEqual([
      'registered',
      'paused',
      'resumed',
      'paused',
      'resumed',
      'unregistered',
    ]);
    expect(g.gateway.monitor.getStatus('scoped')).toBeUndefined();
  });

  it('re-makes its own pause after a reconnect (the gateway ends it on a drop)', async () => {
    const g = await gatewayFor({ timeoutMs: 3_000, checkIntervalMs: 500, maxMissedBeats: 3 });
    const controls: SocketControl[] = [];
    const WebSocket = controlledWebSocket((c) => controls.push(c));
    const a = agent({ url: g.wsUrl, token: await agentToken('keeps-pause'), WebSocket });
    await a.connect();
    a.pause('thinking');
    await until(() => g.gateway.monitor.getStatus('keeps-pause')?.paused === true);
    const reconnected = new Promise((resolve) => a.once('reconnected', resolve));
    controls[0]!.crash();
    await reconnected;
    await until(
      () => g.gateway.monitor.getStatus('keeps-pause')?.paused === true,
      2_000,
      'the pause again',
    );
    expect(g.gateway.monitor.getStatus('keeps-pause')).toMatchObject({
      pausedBy: 'agent',
      pauseReason: 'thinking',
      connected: true,
    });
  });
});
