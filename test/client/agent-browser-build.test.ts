import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { AgentClient } from '../../client/browser.js';
import type { Transition } from '../../client/index.js';
import {
  agentToken,
  beatsVia,
  cleanupAfterEach,
  FAST,
  sleep,
  startGateway,
  type TestGateway,
} from './gateway-harness.js';

/*
 * The browser build's code path, run in Node with `ws` injected as its WebSocket (the
 * browser test proves the same in Chromium; this one is fast and covers the corners):
 * ?token=, message beats, and a refusal that hides its status.
 */

const cleanup = cleanupAfterEach();

async function gateway(): Promise<{ g: TestGateway; seen: Transition[] }> {
  const g = await startGateway({ config: FAST });
  cleanup.push(() => g.close());
  const seen: Transition[] = [];
  cleanup.push(g.gateway.events.subscribe((t) => seen.push(t)));
  return { g, seen };
}

function browserAgent(g: TestGateway, token: string | (() => Promise<string>)) {
  const agent = new AgentClient({ url: g.httpUrl, token, WebSocket, random: () => 0 });
  cleanup.push(() => agent.close());
  return agent;
}

describe('AgentClient (browser build) over an injected WebSocket', () => {
  it('connects with ?token= and beats with messages, even when asked for pings', async () => {
    const { g, seen } = await gateway();
    const before = {
      ping: await beatsVia(g.httpUrl, 'ping'),
      message: await beatsVia(g.httpUrl, 'message'),
    };
    const agent = new AgentClient({
      url: g.httpUrl,
      token: await agentToken('b1'),
      WebSocket,
      beatWith: 'ping',
    });
    cleanup.push(() => agent.close());
    expect((await agent.connect()).session).toBe('b1');
    await sleep(2_000);
    expect((await beatsVia(g.httpUrl, 'message')) - before.message).toBeGreaterThanOrEqual(3);
    expect(await beatsVia(g.httpUrl, 'ping')).toBe(before.ping);
    expect(seen.map((t) => t.kind)).toEqual(['registered']);
    await agent.close();
    expect(seen.map((t) => t.kind)).toEqual(['registered', 'unregistered']);
  });

  it('rejects a refused first connect with unavailable and the likely causes', async () => {
    const { g } = await gateway();
    const error: unknown = await browserAgent(g, 'bad')
      .connect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(String(error)).toMatch(/401.*403/);
  });

  it('with a fixed token that has expired, stops instead of retrying a refusal forever', async () => {
    const { g } = await gateway();
    const agent = browserAgent(g, await agentToken('b2', { ttlSeconds: 1 }));
    const closed = new Promise<number>((resolve) =>
      agent.once('closed', ({ code }) => resolve(code)),
    );
    await agent.connect();
    expect(await closed).toBe(4001);
  });

  it('stops when replaced (4009)', async () => {
    const { g } = await gateway();
    const agent = browserAgent(g, await agentToken('b3'));
    await agent.connect();
    const closed = new Promise<number>((resolve) =>
      agent.once('closed', ({ code }) => resolve(code)),
    );
    await browserAgent(g, await agentToken('b3')).connect();
    expect(await closed).toBe(4009);
  });

  it('reconnects after a gateway restart (1001), asking its token function again', async () => {
    const first = await startGateway({ config: FAST });
    let calls = 0;
    const agent = new AgentClient({
      url: first.httpUrl,
      token: async () => {
        calls += 1;
        return agentToken('b4');
      },
      WebSocket,
      reconnect: { minMs: 50, maxMs: 100 },
    });
    cleanup.push(() => agent.close());
    await agent.connect();
    const back = new Promise<boolean>((resolve) =>
      agent.once('reconnected', (w) => resolve(w.resumed)),
    );
    await first.close();
    const second = await startGateway({ config: FAST, port: first.port });
    cleanup.push(() => second.close());
    expect(await back).toBe(false); // a new in-memory gateway: a new session
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
