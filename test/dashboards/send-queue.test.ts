import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SendQueues } from '../../server/dashboards/send-queue.js';
import type { DashboardSocket } from '../../server/dashboards/types.js';

/** An Engine.IO connection as far as the accounting sees it: packets, flushes, close. */
class FakeConnection extends EventEmitter {
  closed: boolean | undefined;
  send(data: string): void {
    this.emit('packetCreate', { type: 'message', data });
  }
  flush(): void {
    this.emit('flush', []);
  }
  close(discard?: boolean): void {
    this.closed = discard ?? false;
  }
}

function dashboard(): { socket: DashboardSocket; conn: FakeConnection } {
  const conn = new FakeConnection();
  const socket = { conn, data: { identity: { user: 'u', tenant: 't' } } };
  return { socket: socket as unknown as DashboardSocket, conn };
}

const LIMIT = 1_000;

describe('SendQueues', () => {
  it('counts every packet queued to the connection, and nothing once it is flushed', () => {
    const queues = new SendQueues(LIMIT, pino({ level: 'silent' }));
    const { socket, conn } = dashboard();
    queues.track(socket);
    queues.track(socket);
    conn.send('x'.repeat(99));
    conn.emit('packetCreate', { type: 'ping' });
    expect(queues.queued(socket)).toBe(101);
    conn.flush();
    expect(queues.queued(socket)).toBe(0);
    conn.send('x'.repeat(LIMIT));
    expect(queues.cutIfOver(socket)).toBe(true);
    expect(conn.closed).toBe(true);
    expect(queues.queued(socket)).toBeUndefined();
  });

  it('lets one reply larger than the limit through alone, not a second one beside it', () => {
    const queues = new SendQueues(LIMIT, pino({ level: 'silent' }));
    const { socket, conn } = dashboard();
    queues.track(socket);
    queues.reply(socket, () => conn.send('s'.repeat(5 * LIMIT)));
    expect(queues.cutIfOver(socket)).toBe(false);
    // What is queued beside it counts, up to the limit.
    for (let i = 0; i < 9; i++) conn.send('t'.repeat(99));
    expect(queues.cutIfOver(socket)).toBe(false);
    queues.reply(socket, () => conn.send('l'.repeat(5 * LIMIT)));
    expect(queues.queued(socket)).toBe(10 * LIMIT + 9 * 100 + 2);
    expect(queues.cutIfOver(socket)).toBe(true);
    expect(conn.closed).toBe(true);
  });

  it('counts a reply from where the transport took the buffer', () => {
    const queues = new SendQueues(LIMIT, pino({ level: 'silent' }));
    const { socket, conn } = dashboard();
    queues.track(socket);
    queues.reply(socket, () => {
      conn.send('r'.repeat(3 * LIMIT));
      conn.flush();
      for (let i = 0; i < 30; i++) conn.send('r'.repeat(99));
    });
    // The 3,000 characters left with the flush; the 3,000 after it are the reply's own.
    expect(queues.queued(socket)).toBe(3_000);
    expect(queues.cutIfOver(socket)).toBe(false);
    conn.send('x'.repeat(LIMIT));
    expect(queues.cutIfOver(socket)).toBe(true);
  });
});
