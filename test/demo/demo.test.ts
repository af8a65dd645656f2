import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../client/index.js';
import { TRANSITION_KINDS, type TransitionKind } from '../../shared/session.js';
import { runDemo, type Demo } from '../../server/demo/index.js';
import { createLogger } from '../../server/log.js';

describe('pulsegate demo', () => {
  let demo: Demo;
  let dash: DashboardClient;
  const seen = new Map<TransitionKind, number>();
  const resumedBy = new Set<string>();
  const unregistered = new Set<string>();

  beforeAll(async () => {
    const lines: string[] = [];
    demo = await runDemo({
      port: 0,
      agents: 10,
      scale: 0.3,
      logger: createLogger({ level: 'silent' }),
      print: (l) => lines.push(l),
    });
    expect(lines.join('\n')).toContain(demo.dashboardUrl);
    expect(demo.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
    dash = new DashboardClient({ url: demo.url, token: demo.dashboardToken });
    dash.on('change', (t) => {
      seen.set(t.kind, (seen.get(t.kind) ?? 0) + 1);
      if (t.kind === 'resumed' && t.by !== undefined) resumedBy.add(t.by);
      if (t.kind === 'unregistered') unregistered.add(t.session);
    });
    await dash.connect();
  });

  afterAll(async () => {
    dash?.close();
    await demo?.stop();
  });

  it('shows every kind of transition within a bounded time', async () => {
    // The demo promises every kind within a minute; it runs about 3x faster here.
    const deadline = Date.now() + 25_000;
    const missing = () => TRANSITION_KINDS.some((k) => !seen.has(k)) || resumedBy.size < 2;
    while (missing() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(TRANSITION_KINDS.filter((k) => !seen.has(k))).toEqual([]);
    // A crash while paused by the agent is resumed by the gateway; the agent's own resume too.
    expect([...resumedBy].sort()).toEqual(expect.arrayContaining(['agent', 'gateway']));
    // The snapshot holds the ones registered before the dashboard connected; the rest
    // are live: about 10 agents stay registered.
    expect(dash.sessions.size).toBeGreaterThan(0);
    expect(dash.sessions.size).toBeLessThanOrEqual(10);
    expect([...dash.sessions.values()].map((s) => s.agentType).sort()).toEqual(
      expect.arrayContaining(['coder', 'planner', 'reviewer']),
    );
  }, 30_000);

  it('stops: the connected agents say bye, then the gateway closes', async () => {
    const live = new Set(dash.sessions.keys());
    expect(live.size).toBeGreaterThan(0);
    unregistered.clear();
    await demo.stop();
    // Agents between connections (just crashed) have no socket to say bye on: most do.
    const said = [...live].filter((id) => unregistered.has(id));
    expect(said.length).toBeGreaterThanOrEqual(Math.ceil(live.size / 2));
    await expect(fetch(`${demo.url}/healthz`)).rejects.toThrow();
  }, 15_000);
});
