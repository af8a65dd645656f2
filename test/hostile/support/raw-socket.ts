/**
 * Bytes on a bare TCP socket: HTTP requests written exactly as given (broken ones too),
 * and, after a real upgrade handshake, WebSocket frames built by hand (unmasked, reserved
 * bits, bad opcodes) that no WebSocket library would send.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Received } from './received.js';

export interface HttpAnswer {
  /** The status of the first response line; 0 when the peer closed without one. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DialOptions {
  readonly localAddress?: string;
}

/** Opens a TCP connection to the gateway. */
export function dial(port: number, options: DialOptions = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function parseHead(text: string): { status: number; headers: Record<string, string> } {
  const [line = '', ...rest] = text.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { status, headers };
}

/** Reads until the header block ends; resolves with the head and any bytes after it. */
function readHead(socket: Socket, timeoutMs: number) {
  return new Promise<{ status: number; headers: Record<string, string>; rest: Buffer }>(
    (resolve) => {
      let buf = Buffer.alloc(0);
      const done = (rest: Buffer, text: string) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve({ ...parseHead(text), rest });
      };
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0) done(buf.subarray(end + 4), buf.subarray(0, end).toString('latin1'));
      };
      const onClose = () => done(Buffer.alloc(0), buf.toString('latin1'));
      const timer = setTimeout(onClose, timeoutMs);
      socket.on('data', onData);
      socket.once('close', onClose);
    },
  );
}

/**
 * Reads the rest of a response body: up to `Content-Length` when there is one, else until
 * the peer closes (or `timeoutMs`). A 101 has no body: the socket is dropped at once.
 */
function readBody(
  socket: Socket,
  head: { status: number; headers: Record<string, string>; rest: Buffer },
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve) => {
    const chunks = [head.rest];
    let received = head.rest.length;
    const declared = head.headers['content-length'];
    const want = head.status === 101 ? 0 : declared === undefined ? Infinity : Number(declared);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(finish, timeoutMs);
    if (received >= want || socket.destroyed) return finish();
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      received += c.length;
      if (received >= want) finish();
    });
    socket.once('close', finish);
  });
}

/** Writes `request` (one string, or chunks with a pause between) and reads the answer. */
export async function exchange(
  port: number,
  request: string | Buffer | readonly (string | Buffer)[],
  options: DialOptions & { readonly pauseMs?: number; readonly timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const socket = await dial(port, options);
  socket.on('error', () => {});
  const timeoutMs = options.timeoutMs ?? 5_000;
  const answer = readHead(socket, timeoutMs);
  const parts = typeof request === 'string' || Buffer.isBuffer(request) ? [request] : request;
  for (const part of parts) {
    if (socket.destroyed) break;
    socket.write(part);
    if (options.pauseMs !== undefined) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
  const head = await answer;
  const body = await readBody(socket, head, 1_000);
  return { status: head.status, headers: head.headers, body };
}

/** An upgrade request for `path` with the given extra header lines. */
export function upgradeRequest(
  path: string,
  headers: Readonly<Record<string, string>> = {},
  options: { readonly method?: string; readonly key?: string; readonly version?: string } = {},
): string {
  const base: Record<string, string> = {
    Host: '127.0.0.1',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': options.version ?? '13',
    'Sec-WebSocket-Key': options.key ?? randomBytes(16).toString('base64'),
  };
  const all = { ...base, ...headers };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `${options.method ?? 'GET'} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Buffer | string;
  readonly fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  readonly rsv?: number;
  readonly mask?: boolean;
  /** Announce this length instead of the payload's (the 64-bit form when over 65535). */
  readonly declaredLength?: bigint;
}

/** Encodes one client frame, as broken as the spec asks. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = Buffer.isBuffer(spec.payload)
    ? spec.payload
    : Buffer.from(spec.payload ?? '', 'utf8');
  const mask = spec.mask ?? true;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let head: Buffer;
  if (length < 126n) head = Buffer.from([first, Number(length)]);
  else if (length < 65536n) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = 126;
    head.writeUInt16BE(Number(length), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = 127;
    head.writeBigUInt64BE(length, 2);
  }
  if (mask) head[1] = (head[1] ?? 0) | 0x80;
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([head, key, masked]);
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** What happened to a raw WebSocket: its close code (1006 without a close frame) and frames. */
export interface RawEnd {
  readonly code: number;
  readonly frames: readonly ServerFrame[];
}

/** A WebSocket spoken by hand over a socket whose upgrade succeeded. */
export class RawWebSocket {
  private readonly received = new Received<ServerFrame>();
  readonly frames: readonly ServerFrame[] = this.received.items;
  readonly ended: Promise<RawEnd>;
  private buf: Buffer;
  private closeCode = 1006;
  private end: (e: RawEnd) => void = () => {};

  constructor(
    readonly socket: Socket,
    rest: Buffer,
  ) {
    this.buf = rest;
    socket.on('error', () => {});
    this.ended = new Promise((resolve) => {
      this.end = resolve;
      socket.once('close', () => resolve({ code: this.closeCode, frames: this.frames }));
    });
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    this.parse();
  }

  /** Upgrades `path` with `headers` and returns the open socket, or the refusal. */
  static async open(
    port: number,
    path: string,
    headers: Readonly<Record<string, string>>,
    options: DialOptions = {},
  ): Promise<RawWebSocket | HttpAnswer> {
    const socket = await dial(port, options);
    socket.on('error', () => {});
    const key = randomBytes(16).toString('base64');
    const head = readHead(socket, 5_000);
    socket.write(upgradeRequest(path, headers, { key }));
    const answer = await head;
    if (answer.status !== 101) {
      const body = await readBody(socket, answer, 1_000);
      return { status: answer.status, headers: answer.headers, body };
    }
    const accept = createHash('sha1')
      .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    if (answer.headers['sec-websocket-accept'] !== accept) throw new Error('bad accept');
    return new RawWebSocket(socket, answer.rest);
  }

  write(...frames: readonly (FrameSpec | Buffer)[]): void {
    if (this.socket.destroyed) return;
    for (const f of frames) this.socket.write(Buffer.isBuffer(f) ? f : encodeFrame(f));
  }

  /** Resolves once a frame that passes `test` has arrived (or rejects after `ms`). */
  waitFor(test: (f: ServerFrame) => boolean, ms = 3_000): Promise<ServerFrame> {
    return this.received.waitFor(test, ms, () => 'no such frame');
  }

  /** The text frames received, parsed. */
  texts(): unknown[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      if (this.buf.length < 2) return;
      const b0 = this.buf[0] ?? 0;
      const b1 = this.buf[1] ?? 0;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const frame = { opcode: b0 & 0x0f, payload: this.buf.subarray(off, off + len) };
      this.buf = this.buf.subarray(off + len);
      if (frame.opcode === 8) {
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        // The closing handshake: answer with a close frame, as a client must.
        if (!this.socket.destroyed)
          this.socket.end(encodeFrame({ opcode: 8, payload: frame.payload.subarray(0, 2) }));
        this.end({ code: this.closeCode, frames: this.frames });
      }
      this.received.push(frame);
    }
  }
}
