import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { DASHBOARD_NAMESPACE } from '../../shared/dashboard.js';
import { PulsegateError } from '../../shared/errors.js';
import { dashboardIdentity } from '../auth/identity.js';
import type { GatewayContext } from '../context.js';
import type { DashboardHub, EventLog } from '../edges.js';
import { createCommandListener, snapshotOf, type CommandDeps } from './commands.js';
import { createEventLog } from './event-log.js';
import { armDashboardExpiry, disarmDashboardExpiry } from './expiry.js';
import { DashboardFanout } from './fanout.js';
import { handshakeError, readDashboardAuth } from './handshake.js';
import { SendQueues } from './send-queue.js';
import type { DashboardServer, DashboardSocket } from './types.js';
import { refusalCode, withDeadline } from '../agents/upgrade.js';
import { admissionMiddleware } from '../limits/engine-admission.js';

/** Cluster mode hands in the deployment's log; one node keeps its own over the monitor. */
function eventLogFor(ctx: GatewayContext, log: Logger): [EventLog, () => void] {
  if (ctx.events !== undefined) return [ctx.events, () => {}];
  const own = createEventLog({ monitor: ctx.monitor, limits: ctx.limits, clock: ctx.clock, log });
  return [own, () => own.close()];
}

/**
 * Attaches the Socket.IO dashboard edge (namespace `/dashboard`) to the gateway's HTTP
 * server, with its event log. Call it after the server's request listener is set.
 *
 * @example
 * ```ts
 * const dashboards = attachDashboards(httpServer, ctx);
 * dashboards.events.subscribe((t) => console.log(t.seq, t.kind));
 * await dashboards.shutdown();
 * ```
 */
export function attachDashboards(httpServer: HttpServer, ctx: GatewayContext): DashboardHub {
  const log = ctx.log.child({ edge: 'dashboard' });
  const { limits } = ctx;
  const [events, closeEvents] = eventLogFor(ctx, log);
  const io: DashboardServer = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Other upgrade paths belong to the platform's router, not to Engine.IO.
    destroyUpgrade: false,
    maxHttpBufferSize: limits.maxPayloadBytes,
    // The namespace CONNECT must arrive and its token check (itself bounded by the handshake
    // timeout) answer before Socket.IO gives up, or a slow key set would end in a silent
    // drop instead of `connect_error: unavailable`.
    connectTimeout: 2 * limits.handshakeTimeoutMs,
    // Socket.IO's `cors` guards polling only; WebSocket upgrades pass here too.
    allowRequest: (req, callback) => callback(null, ctx.origins.isAllowed(req.headers.origin)),
    cors: { origin: (origin, callback) => callback(null, ctx.origins.isAllowed(origin)) },
  });
  const nsp = io.of(DASHBOARD_NAMESPACE);
  const queues = new SendQueues(limits.dashboardBufferBytes, log);
  const fanout = new DashboardFanout(nsp, queues);
  const deps: CommandDeps = {
    monitor: ctx.monitor,
    events,
    fanout,
    queues,
    log,
    rate: {
      perSecond: limits.dashboardRatePerSecond,
      burst: limits.dashboardRateBurst,
      clock: ctx.clock,
    },
  };
  const onCommand = createCommandListener(deps);
  const unsubscribe = events.subscribe((t) => fanout.publish(t));
  const { admission } = ctx;
  if (admission !== undefined) io.engine.use(admissionMiddleware(admission));

  nsp.use((socket, next) => {
    const auth = readDashboardAuth(socket.handshake.auth);
    if (auth instanceof PulsegateError) {
      log.info({ code: auth.code, detail: auth.message }, 'dashboard refused');
      return next(handshakeError(auth.code));
    }
    withDeadline(ctx.verifier.verify(auth.token), limits.handshakeTimeoutMs)
      .then((principal) => {
        socket.data = {
          identity: dashboardIdentity(principal),
          since: auth.since,
          filter: undefined,
        };
        next();
      })
      .catch((error: unknown) => {
        const code = refusalCode(error);
        const detail = error instanceof Error ? error.message : 'verification failed';
        log.info({ code, detail }, 'dashboard refused');
        next(handshakeError(code));
      });
  });

  function onDisconnect(this: DashboardSocket, reason: string): void {
    fanout.remove(this);
    disarmDashboardExpiry(this);
    ctx.metrics.connectionClosed('dashboard');
    const { user, tenant } = this.data.identity;
    log.info({ user, tenant, reason }, 'dashboard disconnected');
  }

  nsp.on('connection', (socket) => {
    const { identity, since } = socket.data;
    const { tenant, user } = identity;
    ctx.metrics.connectionOpened('dashboard');
    socket.onAny(onCommand);
    socket.on('disconnect', onDisconnect);
    armDashboardExpiry(socket, ctx.clock, log);
    queues.track(socket);
    // Everything below runs in one tick: no transition can fall between the snapshot
    // (or the replay) and the live stream.
    fanout.add(socket);
    const missed = typeof since === 'number' ? events.since(since) : undefined;
    // The replay, or the snapshot, is one reply: it may pass the buffer limit on its own
    // (a large tenant, a long replay), what is queued beside it may not (`SendQueues`).
    queues.reply(socket, () => {
      if (missed !== undefined) {
        for (const t of missed) if (t.tenant === tenant) socket.emit('transition', t);
      } else {
        socket.emit('snapshot', snapshotOf(deps, tenant, undefined, since !== undefined));
      }
    });
    log.info(
      { user, tenant, since, replayed: missed?.length, control: identity.canControl },
      'dashboard connected',
    );
    queues.cutIfOver(socket);
  });

  return {
    events,
    get size() {
      return nsp.sockets.size;
    },
    async shutdown() {
      unsubscribe();
      closeEvents();
      // Closing the transports (not `disconnect()`) tells the clients to reconnect,
      // to another node or to this one once it is back.
      for (const socket of nsp.sockets.values()) socket.conn.close(true);
      io.engine.close();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
