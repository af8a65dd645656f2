import type { Transition } from '../../shared/session.js';
import { matches, type CompiledFilter } from './filter.js';
import type { SendQueues } from './send-queue.js';
import type { DashboardNamespace, DashboardSocket } from './types.js';
import { WriteBatch } from './write-batch.js';

function tenantRoom(tenant: string): string {
  return `tenant:${tenant}`;
}

/**
 * Routes each transition to the dashboards of its tenant whose filter matches, encoded
 * once, and disconnects a dashboard that does not read.
 *
 * Why rooms and one broadcast: Socket.IO's `to(rooms).emit()` serialises the packet once
 * and, for WebSocket transports, builds the WebSocket frame once too (`wsPreEncodedFrame`),
 * then writes the same bytes to every recipient: "encode once, write to N" through public
 * API. Measured on this machine class (500 dashboards in a child process, 200 events in
 * bursts of 20, server CPU per delivery, 3 rounds): room broadcast 10-18 us, broadcast to
 * a list of socket ids 12-14 us, our own pre-encoded packet string written per socket
 * (`conn.write`) 13 us, and `socket.emit()` per socket 21-22 us. The three encode-once
 * paths are within the noise of each other (half of it is kernel time per `write()`);
 * encoding per socket costs about twice as much. Writing raw packets would also tie us to
 * Socket.IO's packet format, so we broadcast.
 * Unfiltered dashboards sit in one room per tenant, so the common case does no work per
 * socket here; dashboards with a filter leave that room and are matched one by one, and
 * the matching ones join the same broadcast by socket id (Socket.IO's default room of a
 * socket), so the broadcast is still a single encoding.
 *
 * Why hold the writes until the end of the turn: see `WriteBatch`. Fan-out is bound by
 * the kernel's cost per `write()`, and transitions come in bursts.
 *
 * Slow readers: every packet queued to a dashboard, these broadcasts as much as its
 * snapshot and its command replies, is measured by `SendQueues` (from Engine.IO's
 * `packetCreate`, no second encoding); after each broadcast its recipients past the
 * buffer limit are cut (they recover with `since`).
 */
export class DashboardFanout {
  private readonly tenants = new Map<string, Set<DashboardSocket>>();
  /** Gathers each recipient's writes of one event-loop turn into one system call. */
  private readonly batch = new WriteBatch();

  constructor(
    private readonly nsp: DashboardNamespace,
    private readonly queues: SendQueues,
  ) {}

  add(socket: DashboardSocket): void {
    const { tenant } = socket.data.identity;
    let sockets = this.tenants.get(tenant);
    if (sockets === undefined) this.tenants.set(tenant, (sockets = new Set()));
    sockets.add(socket);
    if (socket.data.filter === undefined) void socket.join(tenantRoom(tenant));
  }

  remove(socket: DashboardSocket): void {
    const { tenant } = socket.data.identity;
    const sockets = this.tenants.get(tenant);
    if (sockets === undefined) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.tenants.delete(tenant);
  }

  setFilter(socket: DashboardSocket, filter: CompiledFilter | undefined): void {
    socket.data.filter = filter;
    const room = tenantRoom(socket.data.identity.tenant);
    if (filter === undefined) void socket.join(room);
    else void socket.leave(room);
  }

  publish(transition: Transition): void {
    const sockets = this.tenants.get(transition.tenant);
    if (sockets === undefined) return;
    const rooms = [tenantRoom(transition.tenant)];
    const recipients: DashboardSocket[] = [];
    const hold = this.batch.shouldHold();
    for (const socket of sockets) {
      const { filter } = socket.data;
      if (filter !== undefined) {
        if (!matches(filter, transition)) continue;
        rooms.push(socket.id);
      }
      recipients.push(socket);
      // Before the emit: the packet then waits in Engine.IO's buffer until the turn ends.
      if (hold) this.batch.hold(socket.conn);
    }
    if (recipients.length === 0) return;
    this.nsp.local.to(rooms).emit('transition', transition);
    // After the broadcast, not inside it: Socket.IO is not iterating its rooms any more.
    for (const socket of recipients) this.queues.cutIfOver(socket);
  }
}
