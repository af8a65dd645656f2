/** A real `ws` agent for tests: frames are queued and awaited, the close is a promise. */
import { WebSocket, type ClientOptions } from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export type Frame = { readonly type: string; readonly [key: string]: unknown };

export class TestAgent {
  readonly frames: Frame[] = [];
  private waiters: ((f: Frame) => void)[] = [];
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused with ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter(frame);
      else this.frames.push(frame);
    });
  }

  /** The next frame from the gateway, in order. */
  next(): Promise<Frame> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
}

/** Connects with a Bearer header (or none when `token` is undefined). */
export function openAgent(
  url: string,
  token: string | undefined,
  options: ClientOptions = {},
): TestAgent {
  const headers = { ...options.headers };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return new TestAgent(new WebSocket(url, { ...options, headers }));
}

/** Connects and waits for the welcome frame. */
export async function connectAgent(
  url: string,
  token: string,
): Promise<{ agent: TestAgent; welcome: Frame }> {
  const agent = openAgent(url, token);
  await agent.opened;
  const welcome = await agent.next();
  return { agent, welcome };
}

/** The HTTP status and body an upgrade was refused with. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}
