import type { Logger } from 'pino';
import type { Clock } from '../monitor/types.js';
import type { DashboardSocket } from './types.js';

/** Node timers take at most 2^31-1 ms; a later expiry is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function onExpiry(socket: DashboardSocket, clock: Clock, log: Logger): void {
  const { identity } = socket.data;
  // Expired from `expiresAt` on, as the verifier judges it; a timer that fired early waits on.
  if (clock.now() < identity.expiresAt) return armDashboardExpiry(socket, clock, log);
  log.info({ user: identity.user, tenant: identity.tenant }, 'dashboard token expired');
  // A transport close, not `disconnect()`: the client reconnects by itself, with a fresh
  // token if it has one, and recovers what it missed with `since`.
  socket.conn.close(true);
}

/**
 * Cuts a dashboard when its token expires: a token checked once at the handshake must not
 * keep a revoked user watching forever. "Expires" is the identity's `expiresAt`: `exp` plus
 * the verifier's clock tolerance, the instant the handshake would start refusing the token.
 * So a dashboard accepted inside the tolerance stays until then, instead of being dropped
 * at once and reconnecting in a loop until the tolerance runs out. One timer per
 * dashboard, cleared on disconnect.
 *
 * @example
 * ```ts
 * armDashboardExpiry(socket, ctx.clock, log);
 * socket.on('disconnect', () => disarmDashboardExpiry(socket));
 * ```
 */
export function armDashboardExpiry(socket: DashboardSocket, clock: Clock, log: Logger): void {
  const delay = Math.min(MAX_TIMER_MS, Math.max(0, socket.data.identity.expiresAt - clock.now()));
  const timer = setTimeout(onExpiry, delay, socket, clock, log);
  timer.unref();
  socket.data.expiry = timer;
}

export function disarmDashboardExpiry(socket: DashboardSocket): void {
  clearTimeout(socket.data.expiry);
  socket.data.expiry = undefined;
}
