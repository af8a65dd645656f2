import { io as realIo, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { AgentClient, DashboardClient, type SessionStatus } from '../../client/index.js';
import {
  agentToken,
  cleanupAfterEach,
  controlledWebSocket,
  dashboardToken,
  SLOW,
  startGateway,
  until,
  type SocketControl,
  type TestGateway,
} from './gateway-harness.js';
import { mulberry32 } from '../support/prng.js';

/*
 * The dashboard mirror against the real gateway: whatever happens, once quiet, the
 * mirror equals what `GET /v1/sessions` says (but for `msSinceBeat`, which is live).
 * Timeouts are long, so every change is one of the operations and none is a timer's.
 */

const cleanup = cleanupAfterEach();

async function listOverHttp(g: TestGateway, token: string): Promise<SessionStatus[]> {
  const res = await fetch(`${g.httpUrl}/v1/sessions`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { sessions: SessionStatus[] };
  return body.sessions;
}

function comparable(list: Iterable<SessionStatus>) {
  return [...list]
    .map((s) => {
      const { msSinceBeat: _ignored, ...rest } = s;
      return rest;
    })
    .sort((a, b) => a.session.localeCompare(b.session));
}

/** A dashboard whose Socket.IO socket the test holds, and whose reconnects it can hold back. */
async function heldDashboard(g: TestGateway, token: string) {
  let socket: Socket | undefined;
  let gate: Promise<void> = Promise.resolve();
  const dash = new DashboardClient({
    url: g.httpUrl,
    token: async () => {
      await gate;
      return token;
    },
    io: (url, options) => (socket = realIo(url, options)),
  });
  cleanup.push(() => dash.close());
  await dash.connect();
  return {
    dash,
    /** Drops the transport and keeps the dashboard away until `reconnect()`. */
    async drop(): Promise<() => Promise<void>> {
      let open = () => {};
      gate = new Promise<void>((resolve) => (open = resolve));
      const down = new Promise((resolve) => dash.once('disconnected', () => resolve(undefined)));
      socket?.io.engine.close();
      await down;
      return async () => {
        const up = new Promise((resolve) => dash.once('connected', () => resolve(undefined)));
        open();
        await up;
      };
    },
  };
}

describe('DashboardClient mirror', () => {
  it('equals GET /v1/sessions after 1,000 random operations on 100 agents and two reconnects', async () => {
    // Few retained events: the second, longer absence cannot be replayed (reset snapshot).
    // One control token makes every HTTP call, as fast as verified tokens are cached: the
    // per-caller limit is lifted, this test is about the mirror.
    const g = await startGateway({
      config: SLOW,
      limits: { retainEvents: 40, retainMs: 1, httpRatePerSecond: 10_000, httpRateBurst: 10_000 },
    });
    cleanup.push(() => g.close());
    const control = await dashboardToken();
    const { dash, drop } = await heldDashboard(g, control);
    const ctl = new DashboardClient({ url: g.httpUrl, token: control });
    cleanup.push(() => ctl.close());
    await ctl.connect();
    const syncs: boolean[] = [];
    dash.on('sync', ({ reset }) => syncs.push(reset));

    const random = mulberry32(20_260_101);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const agents = new Map<
      string,
      { client: AgentClient; control: () => SocketControl | undefined }
    >();
    cleanup.push(async () => {
      for (const a of agents.values()) await a.client.close();
    });
    const tokens = new Map<string, string>();
    const ids = Array.from({ length: 100 }, (_, i) => `agent-${i}`);
    for (const id of ids)
      tokens.set(id, await agentToken(id, { agentType: pick(['planner', 'coder', 'critic']) }));

    const connect = async (id: string) => {
      let current: SocketControl | undefined;
      const client = new AgentClient({
        url: g.wsUrl,
        token: tokens.get(id)!,
        beatWith: 'message',
        random: () => 0,
        WebSocket: controlledWebSocket((c) => (current = c)),
      });
      client.on('closed', () => {
        if (agents.get(id)?.client === client) agents.delete(id);
      });
      agents.set(id, { client, control: () => current });
      await client.connect();
    };
    const http = (path: string, method: string, body?: object) =>
      fetch(`${g.httpUrl}/v1/sessions/${path}`, {
        method,
        headers: { authorization: `Bearer ${control}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const ignoreRefusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        () => undefined,
      );

    const operations: Record<string, (id: string) => Promise<void>> = {
      bye: async (id) => agents.get(id)?.client.close(),
      crash: async (id) => {
        const a = agents.get(id);
        if (a === undefined) return;
        const back = new Promise((resolve) => a.client.once('reconnected', resolve));
        a.control()?.crash();
        await back;
      },
      agentPause: async (id) =>
        agents.get(id)?.client.pause(pick(['input', 'tool call', 'thinking'])),
      agentResume: async (id) => agents.get(id)?.client.resume(),
      dashPause: (id) => ignoreRefusal(ctl.pause(id, pick(['maintenance', 'review']))),
      dashResume: (id) => ignoreRefusal(ctl.resume(id)),
      dashUnregister: (id) => ignoreRefusal(ctl.unregister(id)),
      httpPause: async (id) => void (await http(`${id}/pause`, 'POST', { reason: 'api hold' })),
      httpResume: async (id) => void (await http(`${id}/resume`, 'POST')),
      httpDelete: async (id) => void (await http(id, 'DELETE')),
    };
    const names = Object.keys(operations);
    let reopen: (() => Promise<void>) | undefined;
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      if (i === 300 || i === 600) reopen = await drop();
      if (i === 310 || i === 800) {
        await reopen?.();
        // Back from each absence, the mirror is exact again (after a replay, or a reset).
        await until(() => dash.seq === g.gateway.events.seq, 10_000, 'the mirror to catch up');
        expect(comparable(dash.sessions.values())).toEqual(
          comparable(await listOverHttp(g, control)),
        );
      }
      const id = pick(ids);
      const name = agents.has(id) ? pick(names) : 'connect';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      await (name === 'connect' ? connect(id) : operations[name]!(id));
    }

    // Quiet: every agent welcomed, every transition applied.
    await until(() => [...agents.values()].every((a) => a.client.connected), 10_000, 'agents');
    await until(() => dash.seq === g.gateway.events.seq, 10_000, 'the mirror to catch up');
    const expected = await listOverHttp(g, control);
    expect(dash.seq).toBe(g.gateway.events.seq);
    expect(comparable(dash.sessions.values())).toEqual(comparable(expected));
    expect(expected.length).toBeGreaterThan(20);
    // Both ways back were taken: a replay after the short absence, a reset after the long one.
    expect(syncs).toEqual([true]);
    for (const name of ['connect', ...names]) expect(counts.get(name) ?? 0).toBeGreaterThan(10);
  }, 120_000);
});
