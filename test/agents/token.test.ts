import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../support/agent-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, expiryIn, sign } from '../support/tokens.js';

describe('agent token expiry and refresh', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('closes 4001 when the token expires without a refresh', async () => {
    const exp = expiryIn(300);
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('tk-expire', { expiresAt: exp }),
    );
    expect((await agent.closed).code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(exp - 5);
    await h.logs.waitFor((l) => l.msg === 'agent closed' && l['session'] === 'tk-expire');
    expect(h.monitor.getStatus('tk-expire')?.connected).toBe(false);
  });

  it('a refresh re-arms the expiry to the new token', async () => {
    const first = expiryIn(300);
    const second = first + 1000;
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('tk-refresh', { expiresAt: first }),
    );
    agent.send({ type: 'refresh', token: await agentToken('tk-refresh', { expiresAt: second }) });
    expect((await agent.closed).code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(second - 5);
  });

  it.each([
    ['another sub', () => agentToken('tk-other')],
    ['another tenant', () => agentToken('tk-tenant', { tenant: 'globex' })],
    [
      'no agent scope',
      () => sign({ sub: 'tk-tenant', scope: 'sessions:read', agentType: 'worker' }),
    ],
    [
      'a bad signature',
      () =>
        sign({
          sub: 'tk-tenant',
          scope: 'agent',
          agentType: 'worker',
          secret: 'nope-nope-nope-nope-nope-nope-1',
        }),
    ],
    ['garbage', () => Promise.resolve('a.b.c')],
  ])('closes 4001 when a refresh carries %s', async (_name, make) => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('tk-tenant'));
    agent.send({ type: 'refresh', token: await make() });
    expect((await agent.closed).code).toBe(4001);
  });
});
