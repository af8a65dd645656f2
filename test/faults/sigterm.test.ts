/**
 * SIGTERM during load: gateway A (the built CLI) is told to stop while 100 agents beat
 * through it. Each agent is closed with 1001 (the spread shutdown) and reconnects with
 * jitter to gateway B, as a load balancer would send it. No dashboard, of either gateway,
 * sees a `timeout` for an agent that reconnected: a going-away gateway must not declare
 * dead the agents it sent away. A exits 0 within its shutdown budget.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startProcess, type ChildTarget } from '../hostile/support/target.js';
import { agentToken, dashboardToken } from '../hostile/support/tokens.js';

const AGENTS = 100;
const ENV = {
  // Short deadlines, so that a gateway which kept counting during its 3 s shutdown spread
  // would time out the agents it closed first.
  PULSEGATE_TIMEOUT_MS: '1000',
  PULSEGATE_CHECK_INTERVAL_MS: '500',
  PULSEGATE_MAX_MISSED_BEATS: '2',
};

interface Seen {
  kind: string;
  session: string;
}

let a: ChildTarget;
let b: ChildTarget;
const dashboards: Socket[] = [];

async function watch(port: number, into: Seen[]): Promise<void> {
  const dash = io(`http://127.0.0.1:${port}/dashboard`, {
    auth: { token: await dashboardToken() },
    transports: ['websocket'],
    reconnection: false,
  });
  dashboards.push(dash);
  dash.on('transition', (t: Seen) => into.push({ kind: t.kind, session: t.session }));
  await new Promise<void>((resolve) => dash.once('snapshot', () => resolve()));
}

/** An agent that beats every 200 ms and, closed with 1001, reconnects to `next`. */
class MovingAgent {
  closes: number[] = [];
  moved: Promise<void>;
  private ws: WebSocket | undefined;
  private timer: NodeJS.Timeout;
  private arrived: () => void = () => {};

  constructor(
    readonly session: string,
    private readonly token: string,
    private readonly next: number,
  ) {
    this.moved = new Promise((resolve) => (this.arrived = resolve));
    this.timer = setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send('{"type":"beat"}');
    }, 200);
  }

  connect(port: number, onWelcome?: () => void): Promise<void> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/agent`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    this.ws = ws;
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closes.push(code);
      if (code === 1001) {
        setTimeout(() => void this.connect(this.next, this.arrived), Math.random() * 300);
      }
    });
    return new Promise((resolve) =>
      ws.once('message', () => {
        onWelcome?.();
        resolve();
      }),
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.ws?.terminate();
  }
}

beforeAll(async () => {
  [a, b] = await Promise.all([startProcess(ENV), startProcess(ENV)]);
});

afterAll(async () => {
  for (const d of dashboards) d.disconnect();
  await Promise.all([a.close(), b.close()]);
});

describe('SIGTERM during load', () => {
  it('gives no false timeout to agents that reconnect', { timeout: 40_000 }, async () => {
    const seenA: Seen[] = [];
    const seenB: Seen[] = [];
    await watch(a.port, seenA);
    await watch(b.port, seenB);
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const session = `term-${i}`;
        return new MovingAgent(session, await agentToken(session), b.port);
      }),
    );
    await Promise.all(agents.map((ag) => ag.connect(a.port)));
    await new Promise((r) => setTimeout(r, 500));

    const started = Date.now();
    a.child.kill('SIGTERM');
    const code = await a.exited;
    const exitMs = Date.now() - started;
    await Promise.all(agents.map((ag) => ag.moved));
    // Past every deadline the moved agents would have had on A.
    await new Promise((r) => setTimeout(r, 1_500));

    const timeouts = [...seenA, ...seenB].filter((t) => t.kind === 'timeout');
    const warningsB = seenB.filter((t) => t.kind === 'warning');
    console.log(
      `SIGTERM: A exited ${code} after ${exitMs} ms; ${agents.length} agents moved to B; ` +
        `timeouts seen: ${timeouts.length}; warnings on B: ${warningsB.length}`,
    );
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(agents.every((ag) => ag.closes[0] === 1001)).toBe(true);
    expect(timeouts).toEqual([]);
    expect(warningsB).toEqual([]);
    for (const ag of agents) ag.stop();
  });
});
