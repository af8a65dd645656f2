/**
 * The check run after every hostile case: the process is alive, `/healthz` answers, a new
 * agent gets its welcome and leaves with 1000, and a new dashboard gets its snapshot and an
 * acknowledged `list`.
 */
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Target } from './target.js';
import { agentToken, dashboardToken } from './tokens.js';

let probes = 0;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function probeAgent(port: number): Promise<void> {
  const session = `probe-${process.pid}-${++probes}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/agent`, {
    headers: { authorization: `Bearer ${await agentToken(session)}` },
  });
  ws.on('error', () => {});
  const welcome = await new Promise<unknown>((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.once('unexpected-response', (_q, res) =>
      reject(new Error(`agent refused ${res.statusCode}`)),
    );
    ws.once('close', (code) => reject(new Error(`agent closed ${code}`)));
  });
  if (typeof welcome !== 'object' || welcome === null || !('type' in welcome)) {
    throw new Error('no welcome');
  }
  if (welcome.type !== 'welcome') throw new Error(`first frame ${String(welcome.type)}`);
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  ws.send('{"type":"bye"}');
  const code = await closed;
  if (code !== 1000) throw new Error(`bye closed with ${code}`);
}

async function probeDashboard(port: number): Promise<void> {
  const socket = io(`http://127.0.0.1:${port}/dashboard`, {
    auth: { token: await dashboardToken() },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('snapshot', () => resolve());
      socket.once('connect_error', (e) => reject(new Error(`dashboard refused: ${e.message}`)));
    });
    const reply: unknown = await socket.timeout(3_000).emitWithAck('list', {});
    if (typeof reply !== 'object' || reply === null || !('ok' in reply) || reply.ok !== true) {
      throw new Error(`list answered ${JSON.stringify(reply)}`);
    }
  } finally {
    socket.disconnect();
  }
}

/** Throws unless the target still serves agents, dashboards and HTTP. */
export async function probe(target: Target): Promise<void> {
  if (!target.alive()) throw new Error('the gateway process died');
  const res = await withTimeout(fetch(`http://127.0.0.1:${target.port}/healthz`), 5_000, 'healthz');
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  await Promise.all([
    withTimeout(probeAgent(target.port), 5_000, 'agent probe'),
    withTimeout(probeDashboard(target.port), 5_000, 'dashboard probe'),
  ]);
  if (!target.alive()) throw new Error('the gateway process died');
}
