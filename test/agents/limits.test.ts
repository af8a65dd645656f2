import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../support/agent-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken } from '../support/tokens.js';

describe('agent frame limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('answers a refused frame with an error frame and keeps the connection', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-error'));
    agent.send('{"type":"beat"');
    expect(await agent.next()).toEqual({
      type: 'error',
      code: 'invalid',
      message: expect.any(String),
    });
    agent.send({ type: 'teleport' });
    expect(await agent.next()).toMatchObject({ type: 'error', code: 'invalid' });
    agent.send({ type: 'beat', extra: 1 });
    expect(await agent.next()).toMatchObject({ type: 'error', code: 'invalid' });
    agent.send({ type: 'beat', status: 'x'.repeat(257) });
    expect(await agent.next()).toMatchObject({ type: 'error', code: 'invalid' });
    agent.send('{"type":"beat","__proto__":{}}');
    expect(await agent.next()).toMatchObject({ type: 'error', code: 'invalid' });
    agent.send({ type: 'beat', status: 'fine' });
    agent.send({ type: 'bye' });
    expect((await agent.closed).code).toBe(1000);
    expect(h.monitor.getStatus('li-error')).toBeUndefined();
  });

  it('closes 1008 on the 11th refused frame within the window', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-refusals'));
    for (let i = 0; i < 10; i++) agent.send('[]');
    for (let i = 0; i < 10; i++) expect(await agent.next()).toMatchObject({ type: 'error' });
    const pong = new Promise((resolve) => agent.ws.once('pong', resolve));
    agent.ws.ping();
    await pong; // still open after 10 refusals
    agent.send('[]');
    expect((await agent.closed).code).toBe(1008);
  });

  it('closes 1003 on a binary frame', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-binary'));
    agent.ws.send(Buffer.from('{"type":"beat"}'), { binary: true });
    expect((await agent.closed).code).toBe(1003);
  });

  it('closes 1009 on a frame over 16 KiB, and takes one of exactly 16 KiB', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-size'));
    const exact = JSON.stringify({ type: 'beat', status: '' });
    agent.send(exact.padEnd(16 * 1024, ' '));
    const pong = new Promise((resolve) => agent.ws.once('pong', resolve));
    agent.ws.ping();
    await pong;
    expect(agent.frames).toEqual([]);
    agent.send(exact.padEnd(16 * 1024 + 1, ' '));
    expect((await agent.closed).code).toBe(1009);
  });

  it('closes 4008 past the rate limit (burst 100)', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-rate'));
    for (let i = 0; i < 90; i++) agent.send({ type: 'beat' });
    agent.send('x');
    expect(await agent.next()).toMatchObject({ type: 'error' }); // 91 frames: still open
    for (let i = 0; i < 60; i++) agent.send({ type: 'beat' });
    expect((await agent.closed).code).toBe(4008);
    const closed = await h.logs.waitFor(
      (l) => l.msg === 'agent closed' && l['session'] === 'li-rate',
    );
    // A close for the agent's own fault is an info line; routine closes are debug lines.
    expect(closed.level).toBe(30);
    // The session stays: a rate-limited socket is a disconnect, not an unregister.
    expect(h.monitor.getStatus('li-rate')?.connected).toBe(false);
  });

  it('counts pings against the rate', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('li-pings'));
    for (let i = 0; i < 150; i++) agent.ws.ping();
    expect((await agent.closed).code).toBe(4008);
  });
});
