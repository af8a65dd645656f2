import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { connectAgent, openAgent, refusedUpgrade } from '../support/agent-socket.js';
import { agentToken, sign } from '../support/tokens.js';

describe('agent upgrade', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 60_000, checkIntervalMs: 5_000, maxMissedBeats: 3 },
      allowedOrigins: ['https://ops.example.com'],
    });
  });
  afterAll(() => h.close());
  /** The status of an upgrade with `token` as its Bearer, which the test expects refused. */
  const refusedWith = async (token: string) =>
    (await refusedUpgrade(h.agentUrl, { authorization: `Bearer ${token}` })).status;

  it('accepts a Bearer token and sends welcome first', async () => {
    const { agent, welcome } = await connectAgent(h.agentUrl, await agentToken('up-1'));
    expect(welcome).toEqual({
      type: 'welcome',
      session: 'up-1',
      agentType: 'worker',
      resumed: false,
      policy: {
        timeoutMs: 60_000,
        checkIntervalMs: 5_000,
        maxMissedBeats: 3,
        beatIntervalMs: 20_000,
      },
    });
    expect(h.monitor.getStatus('up-1')?.connected).toBe(true);
    agent.send({ type: 'bye' });
    expect((await agent.closed).code).toBe(1000);
  });

  it('accepts ?token= for browsers', async () => {
    const token = await agentToken('up-2');
    const agent = openAgent(`${h.agentUrl}?token=${encodeURIComponent(token)}`, undefined);
    await agent.opened;
    expect(await agent.next()).toMatchObject({ type: 'welcome', session: 'up-2' });
    agent.send({ type: 'bye' });
    await agent.closed;
  });

  it('refuses a missing token with 401 and a generic body', async () => {
    const refused = await refusedUpgrade(h.agentUrl);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });

  it('refuses a badly signed token with 401', async () => {
    const token = await sign({
      sub: 's',
      scope: 'agent',
      agentType: 'w',
      secret: 'another-secret-0123456789abcdef',
    });
    expect(await refusedWith(token)).toBe(401);
  });

  it('refuses garbage and an empty Bearer with 401', async () => {
    expect((await refusedUpgrade(h.agentUrl, { authorization: 'Bearer x.y.z' })).status).toBe(401);
    expect((await refusedUpgrade(h.agentUrl, { authorization: 'Basic abc' })).status).toBe(401);
  });

  it('refuses an expired token with 401', async () => {
    const token = await agentToken('up-3', { expiresAt: Date.now() - 60_000 });
    expect(await refusedWith(token)).toBe(401);
  });

  it('refuses a token with a bad sub or no agent_type with 401', async () => {
    const badSub = await sign({ sub: 'bad sub!', scope: 'agent', agentType: 'w' });
    const noType = await sign({ sub: 'ok', scope: 'agent' });
    expect(await refusedWith(badSub)).toBe(401);
    expect(await refusedWith(noType)).toBe(401);
  });

  it('refuses a bad sub or agent_type with 401 whatever the scope, as the contract says', async () => {
    // No scope at all, but a malformed agent_type: the token is invalid, not just forbidden.
    expect(await refusedWith(await sign({ sub: 'up-8', agentType: 'bad type!' }))).toBe(401);
    expect(await refusedWith(await sign({ sub: 'bad sub!', agentType: 'w' }))).toBe(401);
    expect(await refusedWith(await sign({ sub: 'up-8', scope: 'agent', agentType: 'a b' }))).toBe(
      401,
    );
    expect(h.monitor.getStatus('up-8')).toBeUndefined();
  });

  it('refuses a token without the agent scope with 403', async () => {
    const read = await sign({ sub: 'up-4', scope: 'sessions:read', agentType: 'w' });
    const none = await sign({ sub: 'up-4', agentType: 'w' });
    expect(await refusedWith(read)).toBe(403);
    expect(await refusedWith(none)).toBe(403);
    expect(h.monitor.getStatus('up-4')).toBeUndefined();
  });

  it('refuses an Origin outside the allowed list with 403, and allows a listed one', async () => {
    const token = await agentToken('up-5');
    const refused = await refusedUpgrade(h.agentUrl, {
      authorization: `Bearer ${token}`,
      origin: 'https://evil.example',
    });
    expect(refused.status).toBe(403);
    const agent = openAgent(h.agentUrl, token, { headers: { origin: 'https://ops.example.com' } });
    await agent.opened;
    expect(await agent.next()).toMatchObject({ type: 'welcome' });
    agent.send({ type: 'bye' });
    await agent.closed;
  });

  it('never logs a token', async () => {
    const token = await agentToken('up-6');
    await refusedUpgrade(`${h.agentUrl}?token=${token}x`);
    const { agent } = await connectAgent(`${h.agentUrl}?token=${token}`, token);
    agent.send({ type: 'bye' });
    await agent.closed;
    await h.logs.waitFor((l) => l.msg === 'agent closed' && l['session'] === 'up-6');
    const signature = token.split('.')[2] ?? '';
    expect(h.logs.raw.some((line) => line.includes(signature))).toBe(false);
    expect(h.logs.lines.some((l) => l.msg === 'agent upgrade refused')).toBe(true);
  });
});

describe('agent welcome policy', () => {
  it("announces the policy of the token's agent type", async () => {
    const h = await startHarness({
      policy: { timeoutMs: 60_000 },
      policies: { planner: { timeoutMs: 90_000, checkIntervalMs: 10_000, maxMissedBeats: 2 } },
    });
    try {
      const { agent, welcome } = await connectAgent(
        h.agentUrl,
        await agentToken('up-p', { agentType: 'planner' }),
      );
      expect(welcome['policy']).toEqual({
        timeoutMs: 90_000,
        checkIntervalMs: 10_000,
        maxMissedBeats: 2,
        beatIntervalMs: 30_000,
      });
      agent.send({ type: 'bye' });
      await agent.closed;
    } finally {
      await h.close();
    }
  });
});
