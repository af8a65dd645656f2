/**
 * A load-generator process: holds many agent WebSockets (raw `ws` clients, so the
 * client side costs as little as possible) and beats on them at a paced total rate, as
 * `beat` messages or as ping frames. Driven by its parent over IPC (see `fleet.ts`).
 * Bounded: it opens only what it is told, and exits when its parent goes away.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { JsonRecord } from '../../shared/record.js';
import { sourceAddress } from '../lib/addresses.js';
import { monoMs } from '../lib/clock.js';
import { num, str } from '../lib/fields.js';
import { serveRpc } from '../lib/rpc.js';
import { agentToken } from '../lib/tokens.js';

interface Agent {
  readonly id: string;
  ws: WebSocket | undefined;
  /** The connection's TCP socket, once open: paced beats are written to it directly. */
  socket: Socket | undefined;
  open: boolean;
  outstandingPings: number;
  /** Monotonic time of the last beat sent (the connect counts as one). */
  lastBeat: number;
  silent: boolean;
  paused: boolean;
}

/** A ping is skipped while this many are unanswered: `ws` drops a client past 60. */
const MAX_OUTSTANDING_PINGS = 4;
/** A beat is skipped while this much is queued in user space for the socket. */
const MAX_BUFFERED_BYTES = 4096;
const TICK_MS = 10;

const agents: Agent[] = [];
const closeCodes: Record<string, number> = {};
const counters = { sent: 0, skipped: 0, shed: 0, pongs: 0, frames: 0, transitionsSent: 0 };
let pacer: NodeJS.Timeout | undefined;
let cursor = 0;

const BEAT = JSON.stringify({ type: 'beat' });

/**
 * A client frame, encoded once: FIN, `opcode`, the mask bit with a zero masking key (a
 * valid key: masking with it leaves the payload as it is), then the payload (< 126 bytes).
 */
function maskedFrame(opcode: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length, 0, 0, 0, 0]), body]);
}

/**
 * The paced beats, as bytes. `ws.send`/`ws.ping` draw a random masking key and mask each
 * frame anew: at 30,000-60,000 frames a second that was the generator's own limit (it shed
 * its backlog before either server was busy), so the comparison measured the generator.
 * Writing the same bytes to the socket costs both servers nothing more: they see ordinary
 * masked frames, one per TCP segment, as before. `ws` still reads and answers everything.
 */
const BEAT_FRAME = maskedFrame(0x1, BEAT);
const PING_FRAME = maskedFrame(0x9, '');

function openOne(url: string, agent: Agent, token: string, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      localAddress: address,
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
    });
    agent.ws = ws;
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    ws.on('open', () => {
      // `ws` keeps its socket private; the paced beats need it (see BEAT_FRAME).
      agent.socket = (ws as unknown as { _socket: Socket | undefined })._socket;
      agent.open = true;
      agent.lastBeat = monoMs();
      settle(true);
    });
    ws.on('message', () => counters.frames++);
    ws.on('pong', () => {
      counters.pongs++;
      if (agent.outstandingPings > 0) agent.outstandingPings--;
    });
    ws.on('unexpected-response', (_req, res) => {
      const key = `http ${res.statusCode ?? 0}`;
      closeCodes[key] = (closeCodes[key] ?? 0) + 1;
      ws.terminate();
      settle(false);
    });
    ws.on('error', () => settle(false));
    ws.on('close', (code) => {
      if (agent.open) closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
      agent.open = false;
      settle(false);
    });
  });
}

async function connect(args: JsonRecord): Promise<JsonRecord> {
  const url = str(args, 'url');
  const count = num(args, 'count');
  const concurrency = num(args, 'concurrency');
  const prefix = str(args, 'prefix');
  const first = agents.length;
  // Tokens first, so that the connect rate measures the server, not jose on our side.
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await agentToken(`${prefix}${first + i}`));
  for (let i = 0; i < count; i++) {
    agents.push({
      id: `${prefix}${first + i}`,
      ws: undefined,
      socket: undefined,
      open: false,
      outstandingPings: 0,
      lastBeat: 0,
      silent: false,
      paused: false,
    });
  }
  let next = first;
  let opened = 0;
  let failed = 0;
  const started = monoMs();
  const worker = async () => {
    while (next < agents.length) {
      const index = next++;
      const agent = agents[index];
      const token = tokens[index - first];
      if (agent === undefined || token === undefined) continue;
      if (await openOne(url, agent, token, sourceAddress(index))) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { opened, failed, elapsedMs: monoMs() - started, open: openCount() };
}

function openCount(): number {
  let n = 0;
  for (const a of agents) if (a.open) n++;
  return n;
}

function beatOne(agent: Agent, mode: string): boolean {
  const ws = agent.ws;
  if (ws === undefined || !agent.open || agent.silent) return false;
  const socket = agent.socket;
  if (mode === 'ping') {
    if (agent.outstandingPings >= MAX_OUTSTANDING_PINGS) return false;
    agent.outstandingPings++;
    if (socket !== undefined) socket.write(PING_FRAME);
    else ws.ping();
  } else if (socket !== undefined) {
    if (socket.writableLength > MAX_BUFFERED_BYTES) return false;
    socket.write(BEAT_FRAME);
  } else {
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return false;
    ws.send(BEAT);
  }
  agent.lastBeat = monoMs();
  return true;
}

/** Paces `perSecond` beats over all agents, round-robin, catching up after a late tick. */
function pace(args: JsonRecord): JsonRecord {
  if (pacer !== undefined) clearInterval(pacer);
  pacer = undefined;
  const mode = str(args, 'mode');
  const perSecond = num(args, 'perSecond');
  // Agents may still be on their way: the pacer beats whichever are open when it passes.
  if (mode === 'none' || perSecond <= 0) return {};
  let last = monoMs();
  let credit = 0;
  // Up to 100 ms of backlog is caught up (a GC pause, a busy tick); more is shed.
  const cap = Math.max(1, perSecond / 10);
  pacer = setInterval(() => {
    const now = monoMs();
    if (agents.length === 0) {
      last = now;
      return;
    }
    credit += ((now - last) * perSecond) / 1000;
    last = now;
    // An overloaded generator sheds its backlog (counted) instead of bursting it.
    if (credit > cap) {
      counters.shed += Math.floor(credit - cap);
      credit = cap;
    }
    while (credit >= 1) {
      credit--;
      const agent = agents[cursor];
      cursor = (cursor + 1) % agents.length;
      if (agent !== undefined && beatOne(agent, mode)) counters.sent++;
      else counters.skipped++;
    }
  }, TICK_MS);
  return {};
}

/** Silences `count` agents spread over `spreadMs`; answers with when each last beat. */
async function silence(args: JsonRecord): Promise<JsonRecord> {
  const count = num(args, 'count');
  const spreadMs = num(args, 'spreadMs');
  const live = agents.filter((a) => a.open);
  const stride = Math.max(1, Math.floor(live.length / Math.max(1, count)));
  const chosen: Agent[] = [];
  for (let i = 0; i < live.length && chosen.length < count; i += stride) {
    const a = live[i];
    if (a !== undefined) chosen.push(a);
  }
  const ids: string[] = [];
  const lastBeats: number[] = [];
  await Promise.all(
    chosen.map(
      (agent, i) =>
        new Promise<void>((resolve) =>
          setTimeout(
            () => {
              agent.silent = true;
              ids.push(agent.id);
              lastBeats.push(agent.lastBeat);
              resolve();
            },
            (spreadMs * i) / Math.max(1, chosen.length),
          ),
        ),
    ),
  );
  return { ids, lastBeats };
}

/**
 * Toggles pause/resume on the first `agents` agents at `perSecond` in total for
 * `durationMs`. A pause carries its send time (`t=<monotonic ms>`) as its reason, so a
 * dashboard can measure the latency of the transition it causes.
 */
async function transitions(args: JsonRecord): Promise<JsonRecord> {
  const perSecond = num(args, 'perSecond');
  const durationMs = num(args, 'durationMs');
  const pool = agents.slice(0, num(args, 'agents')).filter((a) => a.open);
  if (pool.length === 0) return { sent: 0 };
  const started = monoMs();
  let sent = 0;
  let i = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = monoMs() - started;
      const target = Math.floor((Math.min(elapsed, durationMs) * perSecond) / 1000);
      while (sent < target) {
        const agent = pool[i];
        i = (i + 1) % pool.length;
        if (agent?.ws === undefined) continue;
        toggle(agent);
        sent++;
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  counters.transitionsSent += sent;
  return { sent };
}

function toggle(agent: Agent): number {
  const at = monoMs();
  const frame = agent.paused ? { type: 'resume' } : { type: 'pause', reason: `t=${at}` };
  agent.paused = !agent.paused;
  agent.ws?.send(JSON.stringify(frame));
  return at;
}

/** One pause (or resume) from agent `index`; answers with its monotonic send time. */
function trigger(args: JsonRecord): JsonRecord {
  const agent = agents[num(args, 'index')];
  if (agent?.ws === undefined || !agent.open) throw new Error('no such open agent');
  return { at: toggle(agent), paused: agent.paused };
}

async function closeAll(): Promise<JsonRecord> {
  if (pacer !== undefined) clearInterval(pacer);
  pacer = undefined;
  const closing = agents.map(
    (a) =>
      new Promise<void>((resolve) => {
        const ws = a.ws;
        if (ws === undefined || ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.terminate();
      }),
  );
  await Promise.all(closing);
  agents.length = 0;
  return {};
}

serveRpc({
  connect,
  pace,
  silence,
  transitions,
  trigger,
  counters: () => ({ ...counters, open: openCount(), closeCodes: { ...closeCodes } }),
  close: closeAll,
});
process.send?.({ event: 'ready', data: {} });
