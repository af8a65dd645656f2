/**
 * Fuzzing over live sockets, briefly: arbitrary text frames on a real agent WebSocket and
 * arbitrary events and arguments from a real Socket.IO dashboard. Every answer must be a
 * contract answer (an `error` frame with `invalid`, an ack with a contract code), every
 * close a contract close code, and the gateway must still serve newcomers afterwards.
 */
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { probe } from '../hostile/support/probe.js';
import { startInProcess, type Target } from '../hostile/support/target.js';
import { agentToken, dashboardToken } from '../hostile/support/tokens.js';

const AGENT_CLOSES = new Set([1000, 1008, 1009, 4001, 4008]);
const ACK_CODES = new Set(['invalid', 'forbidden', 'not_found', 'rate_limited']);

let target: Target;
beforeAll(async () => {
  target = await startInProcess({
    // Refusals and rates are cases of their own: here the decoder path is what is fuzzed.
    limits: {
      maxRefusals: 100_000,
      ratePerSecond: 100_000,
      rateBurst: 100_000,
      dashboardRateBurst: 100_000,
    },
  });
});
afterAll(() => target.close());

async function openAgent(session: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${target.port}/v1/agent`, {
    headers: { authorization: `Bearer ${await agentToken(session)}` },
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
  });
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, frames, closed };
}

describe('fuzz over live sockets', () => {
  it(
    'agent: 600 arbitrary text frames get contract answers only',
    { timeout: 60_000 },
    async () => {
      const texts = fc.sample(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.json({ maxDepth: 4 }),
          fc
            .record(
              {
                type: fc.constantFrom('beat', 'pause', 'resume', 'refresh', 'teleport'),
                status: fc.jsonValue(),
                reason: fc.string({ maxLength: 300 }),
              },
              { requiredKeys: ['type'] },
            )
            .map((o) => JSON.stringify(o)),
        ),
        600,
      );
      let agent = await openAgent('fuzz-agent');
      const closes: number[] = [];
      for (const text of texts) {
        if (agent.ws.readyState !== WebSocket.OPEN) {
          closes.push(await agent.closed);
          agent = await openAgent('fuzz-agent');
        }
        agent.ws.send(text);
      }
      // A ping answered means every frame before it was handled.
      await new Promise<void>((resolve) => {
        if (agent.ws.readyState !== WebSocket.OPEN) return resolve();
        agent.ws.once('pong', () => resolve());
        agent.ws.once('close', () => resolve());
        agent.ws.ping();
      });
      for (const f of agent.frames) {
        expect(['error', 'warning', 'paused', 'resumed']).toContain(f['type']);
        if (f['type'] === 'error') expect(f['code']).toBe('invalid');
      }
      for (const code of closes) expect(AGENT_CLOSES.has(code)).toBe(true);
      agent.ws.terminate();
      await probe(target);
      expect(target.errors).toEqual([]);
    },
  );

  it('dashboard: 400 arbitrary events get contract acks only', { timeout: 60_000 }, async () => {
    const socket = io(`http://127.0.0.1:${target.port}/dashboard`, {
      auth: { token: await dashboardToken() },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('snapshot', () => resolve());
      socket.once('connect_error', reject);
    });
    const calls = fc.sample(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('subscribe', 'list', 'pause', 'resume', 'unregister'),
          fc.string({ maxLength: 20 }),
        ),
        fc.array(
          fc.oneof(fc.jsonValue(), fc.record({ session: fc.string(), reason: fc.string() })),
          {
            maxLength: 3,
          },
        ),
      ),
      400,
    );
    const commands = new Set(['subscribe', 'list', 'pause', 'resume', 'unregister']);
    for (const [event, args] of calls) {
      if (
        [
          'connect',
          'disconnect',
          'connect_error',
          'disconnecting',
          'newListener',
          'removeListener',
        ].includes(event)
      )
        continue;
      if (!commands.has(event)) {
        socket.emit(event, ...args);
        continue;
      }
      const reply: unknown = await socket.timeout(3_000).emitWithAck(event, ...args);
      expect(reply).toBeTypeOf('object');
      const r = reply as { ok?: unknown; error?: { code?: unknown } };
      if (r.ok !== true) {
        expect(r.ok).toBe(false);
        expect(ACK_CODES.has(String(r.error?.code))).toBe(true);
      }
    }
    expect(socket.connected).toBe(true);
    socket.disconnect();
    await probe(target);
    expect(target.errors).toEqual([]);
  });
});
