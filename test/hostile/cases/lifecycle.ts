/**
 * Lifecycle: disconnects at awkward moments (during token verification, before the
 * welcome is read, half-open) and 10,000 connect/disconnect cycles in bounded time with
 * nothing left behind.
 */
import { WebSocket } from 'ws';
import type { CaseContext, HostileCase } from '../case.js';
import { dial, upgradeRequest } from '../support/raw-socket.js';
import { RawDashboard } from '../support/raw-sio.js';
import { agentToken, dashboardToken } from '../support/tokens.js';
import { AGENT_PATH, freshSession, sleep, wsAgent } from './observe.js';

async function openConnections(ctx: CaseContext): Promise<Record<string, number>> {
  const res = await fetch(`http://127.0.0.1:${ctx.port}/metrics`);
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^pulsegate_connections\{kind="(\w+)"\} (\d+)/gm)) {
    out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

/** Waits until the gateway holds no agent connection but the given ones (bounded). */
async function settled(ctx: CaseContext, agents = 0, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const open = await openConnections(ctx);
    if ((open['agent'] ?? 0) <= agents) return true;
    await sleep(100);
  }
  return false;
}

/** One agent connect and disconnect on a bare socket: upgrade, welcome frame, reset. */
async function cycle(port: number, request: string): Promise<void> {
  const socket = await dial(port);
  socket.on('error', () => {});
  await new Promise<void>((resolve) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      // The welcome frame follows the 101's blank line.
      if (seen.includes('"welcome"')) {
        socket.destroy();
        resolve();
      }
    });
    socket.once('close', () => resolve());
    socket.write(request);
  });
}

export const lifecycleCases: HostileCase[] = [
  {
    group: 'lifecycle',
    name: 'disconnect while the token is being verified (slow JWK set)',
    target: 'jwks-slow',
    act: async (ctx) => {
      const { extras, port } = ctx;
      const sign = extras['signKid'];
      if (typeof sign !== 'function') throw new Error('no signer');
      const token: unknown = await sign();
      const socket = await dial(port);
      socket.on('error', () => {});
      socket.write(upgradeRequest(AGENT_PATH, { Authorization: `Bearer ${String(token)}` }));
      await sleep(100);
      socket.destroy();
      await sleep(2_000);
      return { leftOpen: !(await settled(ctx, 0, 2_000)) };
    },
    expected: { leftOpen: false },
    timeoutMs: 15_000,
  },
  {
    group: 'lifecycle',
    name: 'disconnect right after writing the upgrade (fast verifier)',
    act: async (ctx) => {
      const token = await agentToken(freshSession('gone'));
      for (let i = 0; i < 50; i++) {
        const socket = await dial(ctx.port);
        socket.on('error', () => {});
        socket.end(upgradeRequest(AGENT_PATH, { Authorization: `Bearer ${token}` }));
        socket.destroy();
      }
      return { settled: await settled(ctx) };
    },
    expected: { settled: true },
  },
  {
    group: 'lifecycle',
    name: 'close before reading the welcome frame',
    act: async (ctx) => {
      const token = await agentToken(freshSession('early'));
      const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}${AGENT_PATH}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      ws.on('error', () => {});
      ws.once('upgrade', () => ws.terminate());
      await new Promise((r) => ws.once('close', r));
      return { settled: await settled(ctx) };
    },
    expected: { settled: true },
  },
  {
    group: 'lifecycle',
    name: 'half-open: the TCP socket vanishes without a close frame',
    act: async (ctx) => {
      const agent = await wsAgent(ctx.port, freshSession('half'));
      agent.ws.terminate();
      await agent.closed;
      const settledOk = await settled(ctx);
      const status = ctx.gateway?.monitor.getStatus(agent.session, { tenant: 'default' });
      return { settled: settledOk, connected: status?.connected ?? false };
    },
    expected: { settled: true, connected: false },
  },
  {
    group: 'lifecycle',
    name: 'a newer connection replaces the older one (4009)',
    act: async ({ port }) => {
      const session = freshSession('twice');
      const first = await wsAgent(port, session);
      const second = await wsAgent(port, session);
      const code = await first.closeWithin(3_000);
      const open = await second.isOpen();
      second.end();
      return { first: code, secondOpen: open };
    },
    expected: { first: 4009, secondOpen: true },
  },
  {
    group: 'lifecycle',
    name: '10,000 agent connect and disconnect cycles in bounded time',
    act: async (ctx) => {
      const started = Date.now();
      const tokens = await Promise.all(
        Array.from({ length: 100 }, (_, i) => agentToken(freshSession(`cyc${i}`))),
      );
      const requests = tokens.map((t) =>
        upgradeRequest(AGENT_PATH, { Authorization: `Bearer ${t}` }),
      );
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < 10_000; i = next++) await cycle(ctx.port, requests[i % 100] ?? '');
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      const elapsed = Date.now() - started;
      return { bounded: elapsed < 60_000, settled: await settled(ctx) };
    },
    expected: { bounded: true, settled: true },
    timeoutMs: 90_000,
  },
  {
    group: 'lifecycle',
    name: '300 dashboard connect and disconnect cycles',
    act: async (ctx) => {
      const token = await dashboardToken();
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < 300; i = next++) {
          const dash = await RawDashboard.connected(ctx.port, { token });
          dash.close();
        }
      };
      await Promise.all(Array.from({ length: 50 }, worker));
      const end = Date.now() + 5_000;
      let open = await openConnections(ctx);
      while ((open['dashboard'] ?? 0) > 0 && Date.now() < end) {
        await sleep(100);
        open = await openConnections(ctx);
      }
      return { dashboards: open['dashboard'] ?? 0 };
    },
    expected: { dashboards: 0 },
    timeoutMs: 60_000,
  },
];
