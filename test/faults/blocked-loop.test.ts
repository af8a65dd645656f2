/**
 * The gateway's event loop blocked for 2 s (a long synchronous task, a GC pause): agents
 * that kept beating had their beats queued in the kernel meanwhile, and the gateway must
 * read them before it fires the deadlines that passed during the block, so none of them
 * gets a false `warning` or `timeout`. A silent agent, the control, still times out.
 * The gateway runs as the built CLI in a child process, so blocking it blocks nothing here.
 */
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startProcess, type ChildTarget } from '../hostile/support/target.js';
import { agentToken, dashboardToken } from '../hostile/support/tokens.js';

const AGENTS = 50;
const BEAT_MS = 200;

interface Seen {
  kind: string;
  session: string;
}

let gw: ChildTarget;
let dash: Socket;
const seen: Seen[] = [];

beforeAll(async () => {
  gw = await startProcess(
    {
      PULSEGATE_TIMEOUT_MS: '1000',
      PULSEGATE_CHECK_INTERVAL_MS: '500',
      PULSEGATE_MAX_MISSED_BEATS: '2',
      BLOCK_MS: '2000',
    },
    ['--import', join(import.meta.dirname, 'block-on-signal.mjs')],
  );
  dash = io(`http://127.0.0.1:${gw.port}/dashboard`, {
    auth: { token: await dashboardToken() },
    transports: ['websocket'],
    reconnection: false,
  });
  dash.on('transition', (t: Seen) => seen.push({ kind: t.kind, session: t.session }));
  await new Promise<void>((resolve) => dash.once('snapshot', () => resolve()));
});

afterAll(async () => {
  dash.disconnect();
  await gw.close();
});

async function agent(session: string): Promise<{ ws: WebSocket; warnings: number[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/v1/agent`, {
    headers: { authorization: `Bearer ${await agentToken(session)}` },
  });
  const warnings: number[] = [];
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as { type: string; missedBeats?: number };
    if (f.type === 'warning') warnings.push(f.missedBeats ?? 0);
  });
  await new Promise((resolve) => ws.once('message', resolve));
  return { ws, warnings };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event loop blocked for 2 s', () => {
  it(
    'gives no false warning or timeout to agents whose beats were queued',
    { timeout: 30_000 },
    async () => {
      const beating = await Promise.all(
        Array.from({ length: AGENTS }, (_, i) => agent(`loop-${i}`)),
      );
      const silent = await agent('loop-silent');
      const timer = setInterval(() => {
        for (const a of beating)
          if (a.ws.readyState === WebSocket.OPEN) a.ws.send('{"type":"beat"}');
      }, BEAT_MS);
      await sleep(600);
      const unblocked = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (gw.output.some((l) => l.includes('"msg":"unblocked"'))) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
      gw.child.kill('SIGUSR2');
      await unblocked;
      // Deadlines that passed during the block are due now: give them every chance to fire.
      await sleep(1_500);
      clearInterval(timer);

      const beatingIds = new Set(beating.map((_, i) => `loop-${i}`));
      const falseAlarms = seen.filter(
        (t) => beatingIds.has(t.session) && ['warning', 'missed', 'timeout'].includes(t.kind),
      );
      console.log(
        `blocked 2 s: ${falseAlarms.length} false alarms over ${AGENTS} beating agents; ` +
          `silent control: ${seen
            .filter((t) => t.session === 'loop-silent')
            .map((t) => t.kind)
            .join(', ')}`,
      );
      expect(falseAlarms).toEqual([]);
      expect(beating.flatMap((a) => a.warnings)).toEqual([]);
      expect(beating.every((a) => a.ws.readyState === WebSocket.OPEN)).toBe(true);
      // The control: the silent agent's deadlines did fire.
      expect(seen.filter((t) => t.session === 'loop-silent').map((t) => t.kind)).toContain(
        'timeout',
      );
      for (const a of [...beating, silent]) a.ws.terminate();
      expect(gw.alive()).toBe(true);
    },
  );
});
