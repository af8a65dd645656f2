/**
 * The beat route's body read and token recall, with the packet boundaries chosen by the
 * test: a body in the headers' packet is read from the stream's buffer at once, a body
 * that comes later is read as it streams in, and both answer alike.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VerifiedCache } from '../../server/auth/verified-cache.js';
import type { Principal } from '../../server/auth/principal.js';
import { agentToken, startGateway, type TestGateway } from './harness.js';

let gw: TestGateway | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await gw?.close();
  gw = undefined;
});

interface Answer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** A keep-alive connection that reads one answer at a time (`content-length` framed). */
async function open(): Promise<{ send(data: string): void; next(): Promise<Answer> }> {
  const url = new URL(gw?.base ?? '');
  const socket = connect(Number(url.port), url.hostname);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = '';
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    waiting?.();
  });
  socket.on('end', () => waiting?.());
  function take(): Answer | undefined {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const headers = buffered.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return undefined;
    const body = buffered.slice(end + 4, end + 4 + length);
    buffered = buffered.slice(end + 4 + length);
    return { status: Number(headers.slice(9, 12)), headers, body };
  }
  return {
    send: (data) => socket.write(data),
    next: () =>
      new Promise<Answer>((resolve, reject) => {
        const check = () => {
          const answer = take();
          if (answer !== undefined) {
            waiting = undefined;
            resolve(answer);
          } else if (socket.readableEnded) reject(new Error('connection ended'));
        };
        waiting = check;
        check();
      }),
  };
}

function beatHead(id: string, token: string, body: string): string {
  return (
    `POST /v1/sessions/${id}/beat HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('beat bodies, by how they arrive', () => {
  it('reads a body sent with its headers, and keeps the connection usable', async () => {
    gw = await startGateway();
    const token = await agentToken('p1');
    const conn = await open();
    for (const status of ['one', 'two']) {
      const body = JSON.stringify({ status });
      conn.send(beatHead('p1', token, body) + body);
      const answer = await conn.next();
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ session: 'p1', status });
    }
    // An empty body is a beat too.
    conn.send(beatHead('p1', token, ''));
    expect((await conn.next()).status).toBe(200);
  });

  it('reads a body that comes after its headers, whole or in parts', async () => {
    gw = await startGateway();
    const token = await agentToken('p2');
    const conn = await open();
    const body = JSON.stringify({ status: 'late' });
    conn.send(beatHead('p2', token, body));
    await pause(30);
    conn.send(body);
    expect(JSON.parse((await conn.next()).body)).toMatchObject({ status: 'late' });
    const split = JSON.stringify({ status: 'split' });
    conn.send(beatHead('p2', token, split) + split.slice(0, 5));
    await pause(30);
    conn.send(split.slice(5));
    expect(JSON.parse((await conn.next()).body)).toMatchObject({ status: 'split' });
  });

  it('refuses a bad body sent with its headers (400) and serves the next request', async () => {
    gw = await startGateway();
    const token = await agentToken('p3');
    const conn = await open();
    conn.send(beatHead('p3', token, '{nope') + '{nope');
    const refused = await conn.next();
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'invalid' } });
    conn.send(beatHead('p3', token, '{}') + '{}');
    expect((await conn.next()).status).toBe(200);
  });

  it('refuses a chunked body over the limit that arrived whole (413, connection closed)', async () => {
    gw = await startGateway();
    const token = await agentToken('p4');
    const conn = await open();
    // A remembered token, so that the whole body is there when the route looks at it.
    conn.send(beatHead('p4', token, '{}') + '{}');
    expect((await conn.next()).status).toBe(200);
    const chunk = 'x'.repeat(1024);
    let body = '';
    for (let i = 0; i < 20; i++) body += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    conn.send(
      `POST /v1/sessions/p4/beat HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n` +
        `transfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`,
    );
    const answer = await conn.next();
    expect(answer.status).toBe(413);
    expect(answer.headers.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'too_large' } });
  });

  it('refuses a token that copies a remembered token signature, and keeps the real one', async () => {
    gw = await startGateway();
    const token = await agentToken('p5');
    const other = await agentToken('p6');
    const conn = await open();
    conn.send(beatHead('p5', token, '{}') + '{}');
    expect((await conn.next()).status).toBe(200);
    // p6's header and claims with p5's signature.
    const forged = `${other.slice(0, other.lastIndexOf('.'))}${token.slice(token.lastIndexOf('.'))}`;
    conn.send(beatHead('p6', forged, '{}') + '{}');
    expect((await conn.next()).status).toBe(401);
    conn.send(beatHead('p5', token, '{}') + '{}');
    expect((await conn.next()).status).toBe(200);
  });
});

describe('VerifiedCache', () => {
  const principal = (subject: string): Principal => ({
    subject,
    tenant: 'default',
    scopes: new Set(['agent']),
    agentType: 'bench',
    expiresAt: Number.MAX_SAFE_INTEGER,
  });

  it('answers the exact token only, and never one sharing its signature', () => {
    const cache = new VerifiedCache({ maxEntries: 10, maxTokenLength: 2048 });
    const p = principal('a');
    cache.set('h.a.sig', p, -Infinity);
    expect(cache.get('h.a.sig', 0)).toBe(p);
    expect(cache.get('h.b.sig', 0)).toBeUndefined();
    expect(cache.get('h.a.sig', 0)).toBe(p);
  });

  it('keeps a token used often while others come and go', () => {
    const cache = new VerifiedCache({ maxEntries: 4, maxTokenLength: 2048 });
    const hot = principal('hot');
    cache.set('h.hot.s0', hot, -Infinity);
    for (let i = 1; i <= 40; i++) {
      cache.set(`h.cold.s${i}`, principal(`cold${i}`), -Infinity);
      expect(cache.get('h.hot.s0', 0)).toBe(hot);
    }
    expect(cache.size).toBe(4);
    // The least recently used of the others went first.
    expect(cache.get('h.cold.s1', 0)).toBeUndefined();
    expect(cache.get('h.cold.s40', 0)).toBeDefined();
  });
});
