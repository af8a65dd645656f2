import type { Logger } from 'pino';
import type { DashboardSocket } from './types.js';

/** What the gateway measures of one Engine.IO connection's write buffer. */
interface Queue {
  /** Characters of the packets waiting in Engine.IO's write buffer. */
  pending: number;
  /** The part of `pending` that belongs to the largest reply still waiting (see `reply`). */
  exempt: number;
  /** Characters the reply being sent now has queued so far; -1 outside a reply. */
  reply: number;
}

/** The parts of an Engine.IO connection (`socket.conn`) the accounting touches. */
export interface MeasuredConnection {
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown;
  on(event: 'flush', listener: () => void): unknown;
  close(discard?: boolean): unknown;
}

/** Characters of one Engine.IO packet: its type, then its data (a string from Socket.IO). */
function sizeOf(packet: { data?: unknown }): number {
  const { data } = packet;
  if (typeof data === 'string') return 1 + data.length;
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return 1 + data.byteLength;
  return 1;
}

/**
 * Measures what the gateway holds for each dashboard and cuts the one that does not read.
 *
 * What is measured: every packet Engine.IO queues to the connection, whatever sent it
 * (a broadcast transition, the snapshot, a replay, the acknowledgement of any command,
 * Engine.IO's own pings), is counted from Engine.IO's `packetCreate` event, with the
 * length of the string Socket.IO encoded, so nothing is encoded twice; the count goes back
 * to zero on `flush`, when Engine.IO hands its whole write buffer to the transport. Both
 * transports only take it when they can: a WebSocket once its previous batch reached the
 * kernel, a polling client when it polls. So `pending` is exactly the write buffer of a
 * dashboard that stopped reading, and it grows with whatever is sent to it.
 *
 * The rule: a dashboard is disconnected (its transport closed, the packets dropped; the
 * client reconnects and recovers with `since`) when its write buffer holds more than the
 * limit, not counting the largest single reply in it. A reply (one snapshot, the replay
 * of a `since`, one acknowledgement) is let through whole even when it alone is larger
 * than the limit: a tenant whose snapshot is larger than `dashboardBufferBytes` must still
 * be watchable, and a reconnect must not be cut by its own replay, or it would reconnect
 * for ever. Anything queued beside it counts, a second such reply included. So one
 * dashboard holds at most the limit, plus one reply, plus the one packet that crossed the
 * limit (plus, in the transport, the batch it was last handed).
 *
 * Checks run where the dashboard code sends: after each broadcast (`DashboardFanout`),
 * before each command is run (so a dashboard past its limit gets no reply built, however
 * large its tenant) and after its acknowledgement, after the snapshot or replay. Never in
 * the middle of Socket.IO's own loops.
 */
export class SendQueues {
  private readonly queues = new WeakMap<object, Queue>();

  constructor(
    private readonly limitBytes: number,
    private readonly log: Logger,
  ) {}

  /** Starts measuring a dashboard's connection (once per connection). */
  track(socket: { readonly conn: MeasuredConnection }): void {
    const { conn } = socket;
    if (this.queues.has(conn)) return;
    const queue: Queue = { pending: 0, exempt: 0, reply: -1 };
    this.queues.set(conn, queue);
    conn.on('packetCreate', (packet) => {
      const size = sizeOf(packet);
      queue.pending += size;
      if (queue.reply < 0) return;
      queue.reply += size;
      if (queue.reply > queue.exempt) queue.exempt = queue.reply;
    });
    conn.on('flush', () => {
      queue.pending = 0;
      queue.exempt = 0;
      if (queue.reply > 0) queue.reply = 0;
    });
  }

  /**
   * Sends one reply (`send` queues its packets now): what it queues may pass the limit on
   * its own, once (see the class).
   */
  reply(socket: { readonly conn: object }, send: () => void): void {
    const queue = this.queues.get(socket.conn);
    if (queue === undefined) return send();
    queue.reply = 0;
    try {
      send();
    } finally {
      queue.reply = -1;
    }
  }

  /** Characters waiting in the connection's write buffer; `undefined` if not measured. */
  queued(socket: { readonly conn: object }): number | undefined {
    return this.queues.get(socket.conn)?.pending;
  }

  /** Disconnects the dashboard if it is past its limit; true if it was. */
  cutIfOver(socket: DashboardSocket): boolean {
    const queue = this.queues.get(socket.conn);
    if (queue === undefined || queue.pending - queue.exempt <= this.limitBytes) return false;
    this.log.warn(
      {
        user: socket.data.identity.user,
        tenant: socket.data.identity.tenant,
        bytes: queue.pending,
        reply: queue.exempt,
        limit: this.limitBytes,
      },
      'dashboard disconnected: reads too slowly',
    );
    this.queues.delete(socket.conn);
    // Closing the transport (not `socket.disconnect()`) makes the client reconnect, and
    // `discard` drops the queued packets now instead of waiting for a drain that may
    // never come.
    socket.conn.close(true);
    return true;
  }
}
