import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { AgentClient as BrowserAgentClient } from '../../client/browser.js';
import { AgentClient, DashboardClient, type Transition } from '../../client/index.js';
import { MemoryStore } from '../../server/monitor/store.js';
import {
  agentToken,
  cleanupAfterEach,
  controlledWebSocket,
  dashboardToken,
  FAST,
  SLOW,
  sleep,
  gatewaysFor,
  startGateway,
  until,
  type SocketControl,
} from './gateway-harness.js';
import { Relay } from './relay.js';

/*
 * close() unregisters the session whatever the client is doing: open, opening a socket,
 * or waiting between reconnects. Real gateways, real sockets on 127.0.0.1; the only thing
 * between client and gateway is a plain TCP relay that can hold new connections (a socket
 * stays in its opening handshake) or cut every live one (a network drop on both sides).
 * test/browser/agent.test.ts runs the same in Chromium, over its native WebSocket.
 */

const cleanup = cleanupAfterEach();

async function relayTo(port: number): Promise<Relay> {
  const relay = await Relay.start(port);
  cleanup.push(() => relay.close());
  return relay;
}

const { gatewayFor, record, kinds } = gatewaysFor(cleanup);

/**
 * One session, ended by the bye of a second connection. Whether the gateway handled the
 * drop of the first before the second arrived (`disconnected`, then `reconnected`) or
 * after (the second replaced the first: no `disconnected`) is a race of the network.
 */
function expectByeOnSecondConnection(list: Transition[], session: string): void {
  const seen = kinds(list, session).filter((k) => k !== 'disconnected');
  expect(seen).toEqual(['registered', 'reconnected', 'unregistered']);
}

/** Long enough that a client dropped in a test is still waiting when it calls close(). */
const PATIENT = { minMs: 20_000, maxMs: 20_000 };

type Options = ConstructorParameters<typeof AgentClient>[0];

/** Both builds: the Node one (ws, header token, pings) and the browser one (?token=). */
const BUILDS = {
  node: (options: Options) => new AgentClient(options),
  browser: (options: Options) =>
    new BrowserAgentClient({ ...options, WebSocket: options.WebSocket ?? WebSocket }),
} as const;

type Client = AgentClient | BrowserAgentClient;

/** Records the client's events, in order, as text. */
function watch(client: Client): string[] {
  const events: string[] = [];
  client.on('welcome', () => events.push('welcome'));
  client.on('reconnected', () => events.push('reconnected'));
  client.on('warning', () => events.push('warning'));
  client.on('disconnected', ({ code, willReconnect }) =>
    events.push(`disconnected ${code} ${willReconnect}`),
  );
  client.on('closed', ({ code }) => events.push(`closed ${code}`));
  return events;
}

for (const [build, make] of Object.entries(BUILDS)) {
  const agent = (options: Options): Client => {
    const client = make({ random: () => 0.5, ...options });
    cleanup.push(() => client.close());
    return client;
  };

  describe(`AgentClient.close() (${build} build) against the gateway`, () => {
    it('while its first socket is still opening: waits for the welcome, says bye', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const relay = await relayTo(g.port);
      relay.holding = true;
      const a = agent({ url: relay.url, token: await agentToken('opening') });
      const events = watch(a);
      const connecting = a.connect();
      await until(() => relay.accepted === 1, 2_000, 'the socket to open');
      const closing = a.close();
      await expect(connecting).rejects.toMatchObject({ code: 'unavailable' });
      relay.release();
      await closing;
      expect(kinds(seen, 'opening')).toEqual(['registered', 'unregistered']);
      expect(g.gateway.monitor.getStatus('opening')).toBeUndefined();
      expect(events).toEqual(['closed 1000']);
      await expect(a.connect()).rejects.toMatchObject({ code: 'invalid' });
      await sleep(300);
      expect(relay.accepted).toBe(1);
    });

    it('right after connect(), before any socket: nothing registered, nothing opened', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const relay = await relayTo(g.port);
      const a = agent({ url: relay.url, token: await agentToken('never') });
      const events = watch(a);
      const connecting = a.connect();
      await a.close();
      await expect(connecting).rejects.toMatchObject({ code: 'unavailable' });
      expect(events).toEqual(['closed 1000']);
      await sleep(300);
      expect(relay.accepted).toBe(0);
      expect(seen).toEqual([]);
    });

    it('while waiting to reconnect after a network drop: one connection says bye, then nothing', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const relay = await relayTo(g.port);
      const a = agent({ url: relay.url, token: await agentToken('dropped'), reconnect: PATIENT });
      const events = watch(a);
      await a.connect();
      relay.cut();
      await until(() => events.length === 2, 2_000, 'the drop');
      await until(() => kinds(seen, 'dropped').length === 2, 2_000, 'the disconnect');
      const started = Date.now();
      await a.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(events).toEqual(['welcome', 'disconnected 1006 true', 'closed 1000']);
      expect(kinds(seen, 'dropped')).toEqual([
        'registered',
        'disconnected',
        'reconnected',
        'unregistered',
      ]);
      expect(g.gateway.monitor.getStatus('dropped')).toBeUndefined();
      expect(relay.accepted).toBe(2);
      await sleep(500);
      expect(relay.accepted).toBe(2);
      expect(seen).toHaveLength(4);
    });

    it('while a reconnect is opening: that connection says bye', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const relay = await relayTo(g.port);
      const a = agent({
        url: relay.url,
        token: await agentToken('reopening'),
        reconnect: { minMs: 10, maxMs: 10 },
      });
      await a.connect();
      relay.holding = true;
      relay.cut();
      await until(() => relay.accepted === 2, 2_000, 'the reconnect to open');
      await until(() => kinds(seen, 'reopening').length === 2, 2_000, 'the disconnect');
      const closing = a.close();
      relay.release();
      await closing;
      expect(kinds(seen, 'reopening')).toEqual([
        'registered',
        'disconnected',
        'reconnected',
        'unregistered',
      ]);
      await sleep(300);
      expect(relay.accepted).toBe(2);
    });

    it('when the bye is lost to a drop: one more connection says it', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const relay = await relayTo(g.port);
      const a = agent({ url: relay.url, token: await agentToken('lost-bye'), reconnect: PATIENT });
      const events = watch(a);
      await a.connect();
      relay.muted = true; // the bye goes nowhere
      const closing = a.close();
      await sleep(100);
      expect(kinds(seen, 'lost-bye')).toEqual(['registered']);
      relay.muted = false;
      relay.cut();
      await closing;
      expect(events).toEqual(['welcome', 'closed 1000']);
      expectByeOnSecondConnection(seen, 'lost-bye');
      await sleep(300);
      expect(relay.accepted).toBe(2);
    });

    it('twice, and after it stopped: the same promise, one bye, one `closed`', async () => {
      const g = await gatewayFor(SLOW);
      const seen = record(g);
      const a = agent({ url: g.wsUrl, token: await agentToken('twice') });
      const events = watch(a);
      await a.connect();
      const first = a.close();
      const second = a.close();
      expect(second).toBe(first);
      await Promise.all([first, second]);
      await a.close();
      expect(kinds(seen, 'twice')).toEqual(['registered', 'unregistered']);
      expect(events).toEqual(['welcome', 'closed 1000']);
    });

    it('when the gateway is gone (connection refused): resolves at once, no reconnect', async () => {
      const g = await startGateway({ config: SLOW });
      const a = agent({ url: g.wsUrl, token: await agentToken('orphan'), reconnect: PATIENT });
      const events = watch(a);
      await a.connect();
      await g.close();
      await until(() => events.length === 2, 2_000, 'the 1001 close');
      const started = Date.now();
      await a.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(events).toEqual(['welcome', 'disconnected 1001 true', 'closed 1006']);
    });

    it('when the gateway does not answer (a black hole): resolves within closeTimeoutMs', async () => {
      const g = await gatewayFor(SLOW);
      const relay = await relayTo(g.port);
      const a = agent({
        url: relay.url,
        token: await agentToken('unheard'),
        reconnect: PATIENT,
        closeTimeoutMs: 500,
      });
      const events = watch(a);
      await a.connect();
      relay.holding = true;
      relay.cut();
      await until(() => events.length === 2, 2_000, 'the drop');
      const started = Date.now();
      await a.close();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(1_500);
      expect(events).toEqual(['welcome', 'disconnected 1006 true', 'closed 1006']);
      expect(relay.accepted).toBe(2); // the one attempt to say bye, held
      relay.release();
      await sleep(500);
      expect(relay.accepted).toBe(2);
    });
  });
}

describe('AgentClient.close() (Node build): more states', () => {
  it('after a gateway restart, between reconnects: the restarted gateway hears the bye (a dashboard sees it)', async () => {
    const store = new MemoryStore();
    const first = await startGateway({ config: SLOW, store });
    const a = new AgentClient({
      url: first.wsUrl,
      token: await agentToken('restarted'),
      reconnect: PATIENT,
      random: () => 0.5,
    });
    cleanup.push(() => a.close());
    const events = watch(a);
    await a.connect();
    await first.close();
    await until(() => events.length === 2, 2_000, 'the 1001 close');
    const second = await gatewayFor(SLOW, { port: first.port, store });
    const dash = new DashboardClient({ url: second.httpUrl, token: await dashboardToken() });
    cleanup.push(() => dash.close());
    const changes: string[] = [];
    dash.on('change', (t) => changes.push(`${t.kind} ${t.session}`));
    await dash.connect();
    expect(dash.sessions.get('restarted')).toMatchObject({ connected: false });
    await a.close();
    await until(() => changes.length === 2, 2_000, 'the dashboard to see the bye');
    expect(changes).toEqual(['reconnected restarted', 'unregistered restarted']);
    expect(dash.sessions.has('restarted')).toBe(false);
    expect(events).toEqual(['welcome', 'disconnected 1001 true', 'closed 1000']);
  });

  it('after its session timed out (4010): no connection to say bye on a session that is gone', async () => {
    const g = await gatewayFor(FAST);
    const seen = record(g);
    const controls: SocketControl[] = [];
    const a = new AgentClient({
      url: g.wsUrl,
      token: await agentToken('expired'),
      beatWith: 'message',
      WebSocket: controlledWebSocket((c) => controls.push(c)),
      reconnect: PATIENT,
      random: () => 0.5,
    });
    cleanup.push(() => a.close());
    const events = watch(a);
    await a.connect();
    controls[0]!.muted = true;
    await until(() => events.includes('disconnected 4010 true'), 6_000, 'the timeout');
    await a.close();
    expect(events.at(-1)).toBe('closed 1000');
    expect(controls).toHaveLength(1);
    await sleep(300);
    expect(kinds(seen, 'expired')).toEqual(['registered', 'warning', 'missed', 'timeout']);
  });

  it('from a `disconnected` listener: says bye instead of reconnecting', async () => {
    const g = await gatewayFor(SLOW);
    const seen = record(g);
    const relay = await relayTo(g.port);
    const a = new AgentClient({
      url: relay.url,
      token: await agentToken('listener'),
      reconnect: { minMs: 10, maxMs: 10 },
      random: () => 0.5,
    });
    cleanup.push(() => a.close());
    const events = watch(a);
    let closing: Promise<void> | undefined;
    a.on('disconnected', () => {
      closing = a.close();
    });
    await a.connect();
    relay.cut();
    await until(() => closing !== undefined, 2_000, 'the drop');
    await closing;
    expect(events).toEqual(['welcome', 'disconnected 1006 true', 'closed 1000']);
    expectByeOnSecondConnection(seen, 'listener');
    await sleep(300);
    expect(relay.accepted).toBe(2);
  });
});
