import { Socket as NetSocket } from 'node:net';

/** The parts of an Engine.IO connection (`socket.conn`) a batch touches. */
export interface BatchableConnection {
  readonly transport: {
    readonly name: string;
    /** Engine.IO's own flag: false while a `send()` is in flight. */
    writable: boolean;
    emit(event: 'ready'): boolean;
  };
  /** True once the connection moved from polling to WebSocket. */
  readonly upgraded: boolean;
  /** The request that opened the connection: for a direct WebSocket, its upgrade. */
  readonly request: { readonly socket: unknown };
}

/**
 * The TCP socket under a dashboard's WebSocket transport, or `undefined` when there is
 * none we can reach through public API: a connection opened directly as a WebSocket keeps
 * its upgrade request, whose socket `ws` took over. (One that started on polling holds the
 * first polling request instead, so it is left alone.)
 */
export function tcpSocketOf(conn: BatchableConnection): NetSocket | undefined {
  if (conn.transport.name !== 'websocket' || conn.upgraded) return undefined;
  const raw = conn.request.socket;
  return raw instanceof NetSocket ? raw : undefined;
}

/**
 * Holds the writes of dashboard connections until the end of the event-loop turn, then
 * hands each connection's packets to the kernel in one `writev`.
 *
 * Why: Engine.IO's WebSocket transport sends each packet as its own frame and `ws` writes
 * each frame with its own `write(2)` (about 7 µs of kernel time per call here, see
 * BASELINES.md), so K transitions published within one turn (several agent frames read in
 * one poll phase, a burst of timeouts) cost each dashboard K system calls, the most
 * expensive part of fan-out. A held connection's transport is marked not writable (the
 * flag Engine.IO itself sets while a send is in flight), so packets gather in
 * Engine.IO's own write buffer, in order, with everything else sent to that dashboard;
 * at the turn's end (`setImmediate`) the flag is restored and the transport's `ready`
 * event makes Engine.IO flush its buffer in one `send()`, inside a cork of the TCP
 * socket: one system call for the lot. Nothing is reordered, re-encoded or dropped, and
 * the packets wait at most until the check phase of the same turn. The first publish of
 * a turn is not held (`shouldHold`): a lone transition pays no wait, a burst pays one
 * write for its first transition and one `writev` for the rest. A connection that
 * is already busy (a send in flight) is not held: Engine.IO is batching it already.
 */
export class WriteBatch {
  private held: { transport: BatchableConnection['transport']; tcp: NetSocket }[] = [];
  private scheduled = false;

  /**
   * Whether a publish should hold its recipients: not the first of a turn, which is
   * written at once (a lone transition, the common case at rest, waits for nothing: it
   * reaches 1,000 dashboards exactly as a plain broadcast would), but every later one of
   * the same turn, which is where bursts are.
   */
  shouldHold(): boolean {
    if (this.scheduled) return true;
    this.scheduled = true;
    setImmediate(this.release);
    return false;
  }

  /** Holds `conn`'s writes until the end of this turn (no-op if it cannot be batched). */
  hold(conn: BatchableConnection): void {
    const { transport } = conn;
    if (!transport.writable) return;
    const tcp = tcpSocketOf(conn);
    if (tcp === undefined) return;
    transport.writable = false;
    this.held.push({ transport, tcp });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.release);
    }
  }

  /** How many connections are held now. */
  get size(): number {
    return this.held.length;
  }

  /** Flushes every held connection; runs by itself at the end of the turn. */
  readonly release = (): void => {
    this.scheduled = false;
    const held = this.held;
    this.held = [];
    for (const { transport, tcp } of held) {
      tcp.cork();
      // What Engine.IO does when a send completes: writable again, then `ready`, on which
      // the connection flushes its write buffer (a closed connection ignores it).
      transport.writable = true;
      transport.emit('ready');
      tcp.uncork();
    }
  };
}
