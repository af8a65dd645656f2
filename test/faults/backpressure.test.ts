/**
 * Backpressure: a dashboard and an agent that stop reading (their TCP socket paused, so
 * the kernel buffers fill and then the gateway's) are cut at the buffer limit, and the
 * gateway's heap stays bounded while far more than that limit is addressed to them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../hostile/support/probe.js';
import { encodeFrame, RawWebSocket } from '../hostile/support/raw-socket.js';
import { startInProcess, type Target } from '../hostile/support/target.js';
import { agentToken, dashboardToken } from '../hostile/support/tokens.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BUFFER_LIMIT = 256 * 1024;
const MB = 1024 * 1024;

let target: Target;
beforeAll(async () => {
  target = await startInProcess({
    limits: { dashboardBufferBytes: BUFFER_LIMIT, agentBufferBytes: BUFFER_LIMIT },
  });
});
afterAll(() => target.close());

async function connections(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${target.port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^pulsegate_connections\{kind="(\w+)"\} (\d+)/gm)) {
    out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / MB;
}

/**
 * Pauses and resumes `session` through the monitor `rounds` times, a batch per macrotask
 * so the sockets get to write; samples the heap as it goes. Resolves with the figures.
 */
async function churn(session: string, rounds: number, until: () => Promise<boolean>) {
  const monitor = target.gateway?.monitor;
  if (monitor === undefined) throw new Error('in process only');
  const reason = 'r'.repeat(200);
  let peak = 0;
  let done = 0;
  const started = heapMb();
  while (done < rounds) {
    for (let i = 0; i < 2_000; i++, done++) {
      monitor.pause(session, { by: 'api', reason });
      monitor.resume(session, { by: 'api' });
    }
    await new Promise((r) => setImmediate(r));
    if (done % 20_000 === 0) {
      peak = Math.max(peak, heapMb() - started);
      if (await until()) break;
    }
  }
  return { rounds: done, peakGrowthMb: peak };
}

describe('backpressure', () => {
  it(
    'cuts a dashboard that stops reading, with the heap bounded',
    { timeout: 60_000 },
    async () => {
      const agent = await RawWebSocket.open(target.port, '/v1/agent', {
        Authorization: `Bearer ${await agentToken('bp-dash-subject')}`,
      });
      if (!(agent instanceof RawWebSocket)) throw new Error('agent refused');
      // A dashboard over a bare socket: Engine.IO open, CONNECT, snapshot, then no more reads.
      const dash = await RawWebSocket.open(
        target.port,
        '/socket.io/?EIO=4&transport=websocket',
        {},
      );
      if (!(dash instanceof RawWebSocket)) throw new Error('dashboard refused');
      await dash.waitFor((f) => f.payload.toString().startsWith('0{'));
      dash.write({
        opcode: 1,
        payload: `40/dashboard,${JSON.stringify({ token: await dashboardToken() })}`,
      });
      await dash.waitFor((f) => f.payload.toString().includes('"snapshot"'));
      expect((await connections())['dashboard']).toBe(1);
      dash.socket.pause();

      const figures = await churn('bp-dash-subject', 400_000, async () => {
        return ((await connections())['dashboard'] ?? 0) === 0;
      });
      const addressedMb = (figures.rounds * 2 * 330) / MB;
      console.log(
        `slow dashboard: cut after ~${addressedMb.toFixed(1)} MB addressed to it; ` +
          `peak heap growth ${figures.peakGrowthMb.toFixed(1)} MB (limit ${BUFFER_LIMIT / 1024} KiB)`,
      );
      expect((await connections())['dashboard'] ?? 0).toBe(0);
      expect(figures.peakGrowthMb).toBeLessThan(48);
      dash.destroy();
      agent.destroy();
      await probe(target);
    },
  );

  it('cuts an agent that stops reading, with the heap bounded', { timeout: 60_000 }, async () => {
    const agent = await RawWebSocket.open(target.port, '/v1/agent', {
      Authorization: `Bearer ${await agentToken('bp-agent')}`,
    });
    if (!(agent instanceof RawWebSocket)) throw new Error('agent refused');
    await agent.waitFor((f) => f.opcode === 1);
    const before = (await connections())['agent'] ?? 0;
    agent.socket.pause();
    // Its own beats keep coming (it writes, it just does not read): the session stays live.
    const beat = encodeFrame({ opcode: 1, payload: '{"type":"beat"}' });
    const beating = setInterval(() => agent.socket.write(beat), 200);
    const figures = await churn('bp-agent', 400_000, async () => {
      return ((await connections())['agent'] ?? 0) < before;
    });
    clearInterval(beating);
    const addressedMb = (figures.rounds * 2 * 60) / MB;
    console.log(
      `slow agent: cut after ~${addressedMb.toFixed(1)} MB addressed to it; ` +
        `peak heap growth ${figures.peakGrowthMb.toFixed(1)} MB (limit ${BUFFER_LIMIT / 1024} KiB)`,
    );
    expect((await connections())['agent'] ?? 0).toBeLessThan(before);
    expect(figures.peakGrowthMb).toBeLessThan(48);
    agent.destroy();
    await probe(target);
  });
});
