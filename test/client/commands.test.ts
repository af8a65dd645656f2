import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../client/dashboard/commands.js';

/*
 * The command path against a real Socket.IO peer that answers late or not at all, or
 * with a refusal: the corners a healthy gateway never shows.
 */
const http = createServer();
const server = new Server(http);
let url = '';

beforeAll(async () => {
  server.of('/dashboard').on('connection', (socket) => {
    socket.on('list', () => undefined); // never acknowledges
    socket.on('pause', (_args: unknown, ack: (reply: unknown) => void) =>
      ack({ ok: false, error: { code: 'not_found', message: 'no such session' } }),
    );
    socket.on('resume', (_args: unknown, ack: (reply: unknown) => void) => ack({ ok: true }));
    socket.on('unregister', (_args: unknown, ack: (reply: unknown) => void) => ack('garbage'));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/dashboard`;
});

afterAll(async () => {
  await server.close();
});

describe('sendCommand', () => {
  it('resolves with the ack, rejects with its code, a timeout, or a malformed ack', async () => {
    const socket = io(url, { transports: ['websocket'] });
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
    try {
      expect(await sendCommand(socket, 'resume', { session: 's' }, 1_000)).toEqual({ ok: true });
      await expect(sendCommand(socket, 'pause', { session: 's' }, 1_000)).rejects.toMatchObject({
        code: 'not_found',
        message: 'no such session',
      });
      const started = Date.now();
      await expect(sendCommand(socket, 'list', {}, 200)).rejects.toMatchObject({ code: 'timeout' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await expect(sendCommand(socket, 'unregister', {}, 1_000)).rejects.toMatchObject({
        code: 'internal',
      });
    } finally {
      socket.disconnect();
    }
  });

  it('rejects at once when not connected, queueing nothing', async () => {
    const socket = io(url, { transports: ['websocket'], autoConnect: false });
    await expect(sendCommand(socket, 'list', {}, 1_000)).rejects.toMatchObject({
      code: 'unavailable',
    });
    await expect(sendCommand(undefined, 'list', {}, 1_000)).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(socket.sendBuffer).toHaveLength(0);
  });
});
