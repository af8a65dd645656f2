import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS } from '../../server/auth/index.js';
import { connectAgent, refusedUpgrade } from '../support/agent-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken, expiryIn, sign } from '../support/tokens.js';
import { TransitionRecorder } from '../support/transitions.js';

/** The verifier's clock tolerance: a token is accepted until `exp` plus this. */
const TOLERANCE_MS = CLOCK_TOLERANCE_SECONDS * 1000;

/**
 * A token `exp` (epoch ms, a whole second) already past by at least 2 s, but inside the
 * tolerance, whose `exp + tolerance` is about `msLeft` ahead (`msLeft` <= 2000).
 */
function expInsideTolerance(msLeft: number): number {
  return expiryIn(msLeft) - TOLERANCE_MS;
}

/** A token `exp` whose `exp + tolerance` passed 1 to 2 s ago. */
function expPastTolerance(): number {
  return Math.floor(Date.now() / 1000) * 1000 - TOLERANCE_MS - 1000;
}

describe('agent token expiry and refresh', () => {
  let h: Harness;
  let recorder: TransitionRecorder;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
    recorder = new TransitionRecorder(h.monitor);
  });
  afterAll(async () => {
    recorder.stop();
    await h.close();
  });

  it('accepts a token past its exp inside the tolerance, keeps it working until exp + tolerance, then 4001', async () => {
    const exp = expInsideTolerance(1500);
    expect(exp).toBeLessThan(Date.now() - 1000);
    const { agent, welcome } = await connectAgent(
      h.agentUrl,
      await agentToken('tk-grace', { expiresAt: exp }),
    );
    expect(welcome).toMatchObject({ type: 'welcome', session: 'tk-grace' });
    // A working connection: it beats, and is not dropped right after the welcome.
    await new Promise((resolve) => setTimeout(resolve, 300));
    agent.send({ type: 'beat', status: 'still here' });
    await vi.waitFor(() =>
      expect(h.monitor.getStatus('tk-grace')).toMatchObject({
        connected: true,
        status: 'still here',
      }),
    );
    expect(Date.now()).toBeLessThan(exp + TOLERANCE_MS);
    expect((await agent.closed).code).toBe(4001);
    const closedAt = Date.now();
    expect(closedAt).toBeGreaterThanOrEqual(exp + TOLERANCE_MS - 5);
    expect(closedAt).toBeLessThan(exp + TOLERANCE_MS + 1000);
    const gone = await recorder.waitFor(
      (t) => t.session === 'tk-grace' && t.kind === 'disconnected',
    );
    expect(gone.at).toBeGreaterThanOrEqual(exp + TOLERANCE_MS);
    expect(recorder.kinds('tk-grace')).toEqual(['registered', 'disconnected']);
    await h.logs.waitFor((l) => l.msg === 'agent token expired' && l['session'] === 'tk-grace');
  });

  it('refuses a token past exp + tolerance at the upgrade with 401, emitting nothing', async () => {
    const token = await agentToken('tk-late', { expiresAt: expPastTolerance() });
    const refused = await refusedUpgrade(h.agentUrl, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(h.monitor.getStatus('tk-late')).toBeUndefined();
    expect(recorder.kinds('tk-late')).toEqual([]);
  });

  it('a refresh inside the tolerance is accepted and re-arms the expiry to its exp + tolerance', async () => {
    const first = expInsideTolerance(700);
    const second = first + 1000;
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('tk-refresh', { expiresAt: first }),
    );
    agent.send({ type: 'refresh', token: await agentToken('tk-refresh', { expiresAt: second }) });
    expect(second).toBeLessThan(Date.now());
    expect((await agent.closed).code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(second + TOLERANCE_MS - 5);
    expect(
      h.logs.lines.some((l) => l.msg === 'agent refresh refused' && l['session'] === 'tk-refresh'),
    ).toBe(false);
  });

  it('a refresh past exp + tolerance is refused: 4001 at once', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('tk-refresh-late'));
    const late = await agentToken('tk-refresh-late', { expiresAt: expPastTolerance() });
    const sent = Date.now();
    agent.send({ type: 'refresh', token: late });
    expect(await agent.closed).toEqual({ code: 4001, reason: 'refresh refused' });
    expect(Date.now() - sent).toBeLessThan(1000);
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
