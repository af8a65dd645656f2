/**
 * Issue 8, backpressure: an agent that only sends WebSocket pings and never reads. Every
 * ping is a beat and is answered by a pong; with the peer not reading, the pongs pile up
 * in the kernel's buffers and then in the gateway's send buffer. The gateway answers pings
 * itself (`autoPong: false`, see AgentConnection.onPing) and must cut such a peer at the
 * agent buffer limit like any slow reader, its memory bounded while far more than that
 * limit is addressed to the peer.
 *
 * The rate limit is lifted here, so that the pongs (not the 4008 of a ping flood) are what
 * the gateway has to bound. Memory is the heap plus the ArrayBuffers (a pong waiting in a
 * socket's buffer is a Buffer, which is not on the V8 heap).
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../hostile/support/probe.js';
import { encodeFrame, RawWebSocket } from '../hostile/support/raw-socket.js';
import { startInProcess, type Target } from '../hostile/support/target.js';
import { agentToken } from '../hostile/support/tokens.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BUFFER_LIMIT = 256 * 1024;
const MB = 1024 * 1024;
/** The largest control frame payload (RFC 6455 section 5.5): the largest pong per ping. */
const PING_PAYLOAD = 125;
/** Pings written per macrotask, so the gateway gets to read and answer between batches. */
const BATCH = 500;
/** Give up past this many pings: 2^17 pongs of 127 bytes is 16 MiB, 64 times the limit. */
const MAX_PINGS = 2 ** 17;

let target: Target;
beforeAll(async () => {
  target = await startInProcess({
    limits: { agentBufferBytes: BUFFER_LIMIT, ratePerSecond: 1_000_000, rateBurst: 1_000_000 },
  });
});
afterAll(() => target.close());

function memoryMb(): number {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / MB;
}

async function agentConnections(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${target.port}/metrics`)).text();
  return Number(/^pulsegate_connections\{kind="agent"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('an agent that only pings and never reads', () => {
  it('is cut at the agent buffer limit, with the memory bounded', { timeout: 60_000 }, async () => {
    const agent = await RawWebSocket.open(target.port, '/v1/agent', {
      Authorization: `Bearer ${await agentToken('bp-pinger')}`,
    });
    if (!(agent instanceof RawWebSocket)) throw new Error('agent refused');
    await agent.waitFor((f) => f.opcode === 1);
    expect(await agentConnections()).toBe(1);
    // From here on, nothing the gateway sends is read.
    agent.socket.pause();
    let cut = false;
    void agent.ended.then(() => {
      cut = true;
    });

    const ping = encodeFrame({ opcode: 0x9, payload: Buffer.alloc(PING_PAYLOAD, 0x70) });
    const started = memoryMb();
    let peak = 0;
    let pings = 0;
    while (!cut && pings < MAX_PINGS) {
      for (let i = 0; i < BATCH; i++) agent.socket.write(ping);
      pings += BATCH;
      await new Promise((r) => setImmediate(r));
      // The pinger's own backlog is not the gateway's memory: let the gateway read it first.
      while (!cut && agent.socket.writableLength > 64 * 1024) {
        await new Promise((r) => setTimeout(r, 5));
      }
      if (pings % (BATCH * 16) === 0) peak = Math.max(peak, memoryMb() - started);
    }
    // The pings already written are still being read and answered: let them drain.
    const deadline = Date.now() + 10_000;
    while (!cut && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    peak = Math.max(peak, memoryMb() - started);

    const addressedMb = (pings * (PING_PAYLOAD + 2)) / MB;
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(
      `ping-only agent: cut after ${pings} pings (~${addressedMb.toFixed(1)} MB of pongs ` +
        `addressed to it); peak growth of heap + buffers ${peak.toFixed(1)} MB ` +
        `(limit ${BUFFER_LIMIT / 1024} KiB); load average ${load}`,
    );
    expect(cut).toBe(true);
    // Cut without a close frame (the peer reads nothing): 1006 on its side.
    expect((await agent.ended).code).toBe(1006);
    expect(pings).toBeLessThan(MAX_PINGS);
    expect(peak).toBeLessThan(32);
    // A cut is a disconnect: the session stays, its deadlines run on.
    await expect.poll(() => agentConnections()).toBe(0);
    expect(target.gateway?.monitor.getStatus('bp-pinger')).toMatchObject({ connected: false });
    agent.destroy();
    await probe(target);
  });
});
