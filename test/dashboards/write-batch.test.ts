import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpSocketOf, WriteBatch } from '../../server/dashboards/write-batch.js';

/**
 * The batch relies on two things Engine.IO and `ws` do not promise: that a connection
 * opened as a WebSocket keeps its upgrade request (whose socket `ws` writes to), and that
 * its transport flushes on `ready` once `writable` is back. These tests fail when either
 * changes.
 */
describe('dashboard write batch', () => {
  let http: HttpServer | undefined;
  let server: Server | undefined;
  const clients: ClientSocket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    http?.closeAllConnections();
    server = undefined;
    http = undefined;
  });

  async function pair(transport: 'websocket' | 'polling') {
    http = createServer();
    server = new Server(http);
    const connected = new Promise<ServerSocket>((resolve) =>
      server?.of('/dashboard').on('connection', resolve),
    );
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const client = connect(`http://127.0.0.1:${port}/dashboard`, { transports: [transport] });
    clients.push(client);
    const received: number[] = [];
    client.on('n', (n: number) => received.push(n));
    return { socket: await connected, client, received };
  }

  it('holds a WebSocket connection for the rest of the turn, then writes it all in order', async () => {
    const { socket, client, received } = await pair('websocket');
    const tcp = tcpSocketOf(socket.conn);
    expect(tcp).toBeDefined();
    // The socket `ws` writes to: its bytes written move with every emit.
    const before = tcp?.bytesWritten ?? 0;
    socket.emit('n', -1);
    expect(tcp?.bytesWritten).toBeGreaterThan(before);
    await new Promise((resolve) => setImmediate(resolve));

    const batch = new WriteBatch();
    const held = tcp?.bytesWritten ?? 0;
    batch.hold(socket.conn);
    for (let n = 0; n < 20; n++) socket.emit('n', n);
    expect(batch.size).toBe(1);
    // Nothing reached the kernel yet: the packets wait in Engine.IO's buffer.
    expect(tcp?.bytesWritten).toBe(held);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batch.size).toBe(0);
    expect(tcp?.bytesWritten).toBeGreaterThan(held);
    await expect.poll(() => received.length).toBe(21);
    expect(received).toEqual([-1, ...Array.from({ length: 20 }, (_, n) => n)]);
    // The connection works as before afterwards.
    socket.emit('n', 99);
    await expect.poll(() => received.at(-1)).toBe(99);
    expect(client.connected).toBe(true);
  });

  it('lets the first publish of a turn through and holds the later ones', async () => {
    const batch = new WriteBatch();
    expect(batch.shouldHold()).toBe(false);
    expect(batch.shouldHold()).toBe(true);
    expect(batch.shouldHold()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batch.shouldHold()).toBe(false);
  });

  it('leaves a connection that started on polling alone', async () => {
    const { socket, received } = await pair('polling');
    expect(tcpSocketOf(socket.conn)).toBeUndefined();
    const batch = new WriteBatch();
    batch.hold(socket.conn);
    expect(batch.size).toBe(0);
    socket.emit('n', 1);
    await expect.poll(() => received).toEqual([1]);
  });
});
