import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent } from '../support/agent-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { agentToken } from '../support/tokens.js';
import { TransitionRecorder } from '../support/transitions.js';

describe('agent session over the socket', () => {
  let h: Harness;
  let rec: TransitionRecorder;
  beforeAll(async () => {
    // Agent type `fast`: warning at +200, missed at +300, timeout at +400. Type `late`:
    // warning at +200 and two seconds to answer it. Others: nothing happens for a minute,
    // so that a loaded machine cannot slip a warning into a test that does not expect one.
    h = await startHarness({
      policy: { timeoutMs: 60_000 },
      policies: {
        fast: { timeoutMs: 200, checkIntervalMs: 100, maxMissedBeats: 3 },
        late: { timeoutMs: 200, checkIntervalMs: 2_000, maxMissedBeats: 3 },
      },
    });
    rec = new TransitionRecorder(h.monitor);
  });
  afterAll(() => h.close());

  it('sends a warning for every missed beat k < M, then closes 4010 on timeout', async () => {
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('se-timeout', { agentType: 'fast' }),
    );
    expect(await agent.next()).toEqual({ type: 'warning', missedBeats: 1 });
    expect(await agent.next()).toEqual({ type: 'warning', missedBeats: 2 });
    expect((await agent.closed).code).toBe(4010);
    expect(rec.kinds('se-timeout')).toEqual(['registered', 'warning', 'missed', 'timeout']);
    expect(h.monitor.getStatus('se-timeout')).toBeUndefined();
  });

  it('takes a beat frame, with its status, as a beat', async () => {
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('se-beat', { agentType: 'late' }),
    );
    expect(await agent.next()).toEqual({ type: 'warning', missedBeats: 1 });
    agent.send({ type: 'beat', status: 'step 3' });
    const recovered = await rec.waitFor((t) => t.session === 'se-beat' && t.kind === 'recovered');
    expect(recovered.state).toBe('healthy');
    expect(h.monitor.getStatus('se-beat')?.status).toBe('step 3');
    agent.send({ type: 'bye' });
    await agent.closed;
  });

  it('takes a WebSocket ping as a beat, and a pong as none', async () => {
    const { agent } = await connectAgent(
      h.agentUrl,
      await agentToken('se-ping', { agentType: 'late' }),
    );
    expect(await agent.next()).toEqual({ type: 'warning', missedBeats: 1 });
    agent.ws.pong();
    // Frames are handled in order: once the error answers, the pong was handled too.
    agent.send('not json');
    expect(await agent.next()).toMatchObject({ type: 'error', code: 'invalid' });
    expect(h.monitor.getStatus('se-ping')?.state).toBe('warning');
    agent.ws.ping();
    await rec.waitFor((t) => t.session === 'se-ping' && t.kind === 'recovered');
    expect(await h.gateway.metrics.scrape()).toMatch(/pulsegate_beats_total\{via="ping"\} [1-9]/);
    agent.send({ type: 'bye' });
    await agent.closed;
  });

  it('tells the agent when someone else pauses or resumes it, not when it does', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('se-pause'));
    h.monitor.pause('se-pause', { by: 'dashboard', reason: 'maintenance' });
    expect(await agent.next()).toEqual({ type: 'paused', by: 'dashboard', reason: 'maintenance' });
    h.monitor.resume('se-pause', { by: 'api' });
    expect(await agent.next()).toEqual({ type: 'resumed', by: 'api' });
    agent.send({ type: 'pause', reason: 'awaiting user input' });
    agent.send({ type: 'resume' });
    agent.send('{}');
    // The next frame is the error: no paused/resumed echo of the agent's own actions.
    expect(await agent.next()).toMatchObject({ type: 'error' });
    expect(rec.kinds('se-pause')).toEqual(['registered', 'paused', 'resumed', 'paused', 'resumed']);
    const own = rec.seen.filter((t) => t.session === 'se-pause').slice(3);
    expect(own.map((t) => t.by)).toEqual(['agent', 'agent']);
    expect(own[0]?.reason).toBe('awaiting user input');
    agent.send({ type: 'bye' });
    await agent.closed;
  });

  it('closes 4011 when the API or a dashboard unregisters the session', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('se-unreg'));
    h.monitor.unregister('se-unreg', { by: 'api' });
    expect((await agent.closed).code).toBe(4011);
    expect(rec.kinds('se-unreg')).toEqual(['registered', 'unregistered']);
  });

  it('unregisters on bye and closes 1000, with no disconnected', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('se-bye'));
    agent.send({ type: 'bye' });
    expect((await agent.closed).code).toBe(1000);
    const closed = await h.logs.waitFor(
      (l) => l.msg === 'agent closed' && l['session'] === 'se-bye',
    );
    expect(closed.level).toBe(20); // routine: a debug line
    expect(rec.kinds('se-bye')).toEqual(['registered', 'unregistered']);
    expect(rec.seen.find((t) => t.session === 'se-bye' && t.kind === 'unregistered')?.by).toBe(
      'agent',
    );
  });

  it('a socket closed without bye disconnects; a reconnect resumes the session', async () => {
    const token = await agentToken('se-drop');
    const first = await connectAgent(h.agentUrl, token);
    first.agent.ws.close(1000);
    await rec.waitFor((t) => t.session === 'se-drop' && t.kind === 'disconnected');
    expect(h.monitor.getStatus('se-drop')?.connected).toBe(false);
    const second = await connectAgent(h.agentUrl, token);
    expect(second.welcome).toMatchObject({ type: 'welcome', resumed: true });
    expect(rec.kinds('se-drop')).toEqual(['registered', 'disconnected', 'reconnected']);
    second.agent.send({ type: 'bye' });
    await second.agent.closed;
  });

  it("resumes the agent's own pause when its socket drops (by gateway, reason disconnected)", async () => {
    const token = await agentToken('se-own-pause');
    const first = await connectAgent(h.agentUrl, token);
    first.agent.send({ type: 'pause', reason: 'awaiting user input' });
    await rec.waitFor((t) => t.session === 'se-own-pause' && t.kind === 'paused');
    first.agent.ws.terminate();
    const resumed = await rec.waitFor((t) => t.session === 'se-own-pause' && t.kind === 'resumed');
    expect(resumed).toMatchObject({ by: 'gateway', reason: 'disconnected', state: 'healthy' });
    expect(rec.kinds('se-own-pause')).toEqual(['registered', 'paused', 'disconnected', 'resumed']);
    expect(h.monitor.getStatus('se-own-pause')).toMatchObject({ paused: false, connected: false });
    // A dashboard's pause is not the agent's: it holds across the agent's drop.
    const second = await connectAgent(h.agentUrl, token);
    h.monitor.pause('se-own-pause', { by: 'dashboard', reason: 'maintenance' });
    expect(await second.agent.next()).toMatchObject({ type: 'paused', by: 'dashboard' });
    second.agent.ws.terminate();
    await rec.waitFor(
      (t) => t.session === 'se-own-pause' && t.kind === 'disconnected' && t.state === 'paused',
    );
    expect(h.monitor.getStatus('se-own-pause')).toMatchObject({
      paused: true,
      pausedBy: 'dashboard',
    });
    h.monitor.unregister('se-own-pause', { by: 'api' });
  });

  it('a reconnect of a session in warning emits reconnected, then recovered', async () => {
    const token = await agentToken('se-warn-back', { agentType: 'late' });
    const first = await connectAgent(h.agentUrl, token);
    expect(await first.agent.next()).toEqual({ type: 'warning', missedBeats: 1 });
    first.agent.ws.terminate();
    await rec.waitFor((t) => t.session === 'se-warn-back' && t.kind === 'disconnected');
    const second = await connectAgent(h.agentUrl, token);
    expect(second.welcome).toMatchObject({ resumed: true });
    await rec.waitFor((t) => t.session === 'se-warn-back' && t.kind === 'recovered');
    expect(rec.kinds('se-warn-back')).toEqual([
      'registered',
      'warning',
      'disconnected',
      'reconnected',
      'recovered',
    ]);
    expect(h.monitor.getStatus('se-warn-back')).toMatchObject({ state: 'healthy', missedBeats: 0 });
    second.agent.send({ type: 'bye' });
    await second.agent.closed;
  });

  it('a newer connection replaces the older (4009) with reconnected and no disconnected', async () => {
    const token = await agentToken('se-twice');
    const first = await connectAgent(h.agentUrl, token);
    const second = await connectAgent(h.agentUrl, token);
    expect(second.welcome).toMatchObject({ resumed: true });
    expect((await first.agent.closed).code).toBe(4009);
    await h.logs.waitFor((l) => l.msg === 'agent closed' && l['code'] === 4009);
    expect(rec.kinds('se-twice')).toEqual(['registered', 'reconnected']);
    expect(h.monitor.getStatus('se-twice')?.connected).toBe(true);
    // The survivor is the live one: its frames still count.
    second.agent.ws.ping();
    second.agent.send({ type: 'beat', status: 'still here' });
    second.agent.send({ type: 'bye' });
    expect((await second.agent.closed).code).toBe(1000);
    expect(rec.kinds('se-twice')).toEqual(['registered', 'reconnected', 'unregistered']);
  });

  it('keeps tenants apart: the same session id in two tenants never meets', async () => {
    const a = await connectAgent(h.agentUrl, await agentToken('se-same', { tenant: 'acme' }));
    const b = await connectAgent(h.agentUrl, await agentToken('se-same', { tenant: 'globex' }));
    expect(a.welcome).toMatchObject({ resumed: false });
    expect(b.welcome).toMatchObject({ resumed: false });
    h.monitor.unregister('se-same', { tenant: 'globex', by: 'api' });
    expect((await b.agent.closed).code).toBe(4011);
    expect(h.monitor.getStatus('se-same', { tenant: 'acme' })?.connected).toBe(true);
    a.agent.send({ type: 'bye' });
    expect((await a.agent.closed).code).toBe(1000);
  });

  it('counts open agent connections', async () => {
    const { agent } = await connectAgent(h.agentUrl, await agentToken('se-count'));
    expect(await h.connections('agent')).toBeGreaterThanOrEqual(1);
    expect(await h.gateway.metrics.scrape()).toMatch(/pulsegate_connections\{kind="agent"\} [1-9]/);
    agent.send({ type: 'bye' });
    await agent.closed;
  });
});
