/**
 * Socket.IO spoken by hand over a WebSocket transport: packets as text (`40/dashboard,`,
 * `42/dashboard,7["pause",…]`), malformed ones included, to see what the gateway does with
 * what `socket.io-client` would never send.
 */
import { WebSocket } from 'ws';
import { Received } from './received.js';

export class RawDashboard {
  private readonly received = new Received<string>();
  readonly packets: readonly string[] = this.received.items;
  readonly closed: Promise<number>;
  private readonly acks = new Map<number, (reply: unknown) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const text = data.toString();
      // Engine.IO ping: answer so the server does not cut us for silence.
      if (text === '2') ws.send('3');
      const ack = /^43\/dashboard,(\d+)(\[.*)$/s.exec(text);
      if (ack !== null) {
        const resolve = this.acks.get(Number(ack[1]));
        this.acks.delete(Number(ack[1]));
        const parsed: unknown = JSON.parse(ack[2] ?? '[]');
        resolve?.(Array.isArray(parsed) ? parsed[0] : undefined);
        return;
      }
      this.received.push(text);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  /** Opens the Engine.IO WebSocket transport and waits for its open packet. */
  static async open(port: number, headers: Record<string, string> = {}): Promise<RawDashboard> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      headers,
    });
    const raw = new RawDashboard(ws);
    await raw.waitFor((p) => p.startsWith('0{'));
    return raw;
  }

  /** Opens and connects to `/dashboard` with `auth`; resolves once the snapshot came. */
  static async connected(port: number, auth: unknown): Promise<RawDashboard> {
    const raw = await RawDashboard.open(port);
    raw.send(`40/dashboard,${JSON.stringify(auth)}`);
    await raw.waitFor((p) => p.startsWith('42/dashboard,["snapshot"'));
    return raw;
  }

  send(packet: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(packet);
  }

  /** Sends an event with ack id `id` and resolves with the ack's first argument. */
  call(id: number, event: string, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`no ack for ${event} #${id}`));
      }, 5_000);
      this.acks.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.send(`42/dashboard,${id}${JSON.stringify([event, ...args])}`);
    });
  }

  /** True once an ack with `id` arrived within `ms`. */
  answered(id: number, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        resolve(false);
      }, ms);
      this.acks.set(id, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Resolves with the first packet (seen or to come) passing `test`; rejects after `ms`. */
  waitFor(test: (packet: string) => boolean, ms = 3_000): Promise<string> {
    return this.received.waitFor(
      test,
      ms,
      (packets) => `no such packet; got ${packets.slice(-3).join(' | ')}`,
    );
  }

  /** True if the transport closes within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }

  close(): void {
    this.ws.terminate();
  }
}
