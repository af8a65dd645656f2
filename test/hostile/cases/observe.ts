/**
 * Observations shared by the catalogue's cases: each turns what the gateway did into a
 * small plain outcome (`{http: 401}`, `{close: 1009}`, `{reply: 'invalid', open: true}`).
 */
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Outcome } from '../case.js';
import { exchange, RawWebSocket, upgradeRequest, type FrameSpec } from '../support/raw-socket.js';
import { agentToken } from '../support/tokens.js';

export const AGENT_PATH = '/v1/agent';

let sessions = 0;
/** A session id no other case uses. */
export function freshSession(prefix = 'hc'): string {
  return `${prefix}-${process.pid}-${++sessions}`;
}

/** Sends an upgrade with these headers; `{http: status}` (101 when accepted). */
export async function upgradeWith(
  port: number,
  headers: Record<string, string>,
  path = AGENT_PATH,
): Promise<Outcome> {
  const answer = await exchange(port, upgradeRequest(path, headers), { timeoutMs: 5_000 });
  return { http: answer.status };
}

/** An upgrade carrying `token` as a Bearer header. */
export function upgradeToken(port: number, token: string): Promise<Outcome> {
  return upgradeWith(port, { Authorization: `Bearer ${token}` });
}

/** An agent spoken to by hand: upgraded with a good token, welcome frame received. */
export async function rawAgent(port: number, session = freshSession()): Promise<RawWebSocket> {
  const token = await agentToken(session);
  const ws = await RawWebSocket.open(port, AGENT_PATH, { Authorization: `Bearer ${token}` });
  if (!(ws instanceof RawWebSocket)) throw new Error(`upgrade refused: ${ws.status}`);
  await ws.waitFor((f) => f.opcode === 1);
  return ws;
}

/** Writes `frames` to a fresh raw agent; `{close}` with the gateway's close code. */
export async function closeAfter(
  port: number,
  ...frames: readonly (FrameSpec | Buffer)[]
): Promise<Outcome> {
  const ws = await rawAgent(port);
  ws.write(...frames);
  const end = await Promise.race([
    ws.ended,
    new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 5_000)),
  ]);
  ws.destroy();
  return { close: end.code };
}

/** A real `ws` agent with a good token, welcome received. */
export async function wsAgent(port: number, session = freshSession()): Promise<AgentPeer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${AGENT_PATH}`, {
    headers: { authorization: `Bearer ${await agentToken(session)}` },
  });
  const peer = new AgentPeer(ws, session);
  await peer.next();
  return peer;
}

/** A `ws` agent whose frames and close are awaited. */
export class AgentPeer {
  private readonly frames: Record<string, unknown>[] = [];
  private waiter: ((f: Record<string, unknown>) => void) | undefined;
  readonly closed: Promise<number>;

  constructor(
    readonly ws: WebSocket,
    readonly session: string,
  ) {
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      const w = this.waiter;
      this.waiter = undefined;
      if (w !== undefined) w(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  next(ms = 3_000): Promise<Record<string, unknown>> {
    const f = this.frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame')), ms);
      this.waiter = (frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      void this.closed.then((code) => {
        clearTimeout(timer);
        reject(new Error(`closed ${code}`));
      });
    });
  }

  /** True when a ping is answered within `ms` (the connection is still open). */
  async isOpen(ms = 2_000): Promise<boolean> {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.ws.once('pong', () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.ws.ping();
    });
  }

  /** Close code if the socket closes within `ms`, else -1. */
  closeWithin(ms = 5_000): Promise<number> {
    return Promise.race([this.closed, new Promise<number>((r) => setTimeout(() => r(-1), ms))]);
  }

  send(text: string): void {
    this.ws.send(text);
  }

  end(): void {
    this.ws.terminate();
  }
}

/** Sends `text` from a fresh agent: `{reply: code}` of its error frame, and `open`. */
export async function replyTo(port: number, text: string): Promise<Outcome> {
  const agent = await wsAgent(port);
  agent.send(text);
  let reply: unknown;
  try {
    const frame = await agent.next(1_500);
    reply = frame['type'] === 'error' ? frame['code'] : frame['type'];
  } catch {
    reply = 'none';
  }
  const open = await agent.isOpen();
  const close = open ? undefined : await agent.closeWithin(1_000);
  agent.end();
  return open ? { reply, open } : { reply, open, close };
}

/** Connects a `socket.io-client` dashboard with `auth`: `{connected}` or `{connectError}`. */
export async function dashboardWith(
  port: number,
  auth: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Outcome> {
  const socket = io(`http://127.0.0.1:${port}/dashboard`, {
    auth: auth as Record<string, unknown>,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders,
    timeout: 5_000,
  });
  try {
    return await new Promise<Outcome>((resolve) => {
      socket.once('snapshot', () => resolve({ connected: true }));
      socket.once('connect_error', (e) => resolve({ connectError: e.message }));
    });
  } finally {
    socket.disconnect();
  }
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
