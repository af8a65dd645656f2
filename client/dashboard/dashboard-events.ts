import type { PulsegateError } from '../../shared/errors.js';
import type { SessionStatus, Transition } from '../../shared/session.js';

/**
 * The events of a `DashboardClient`.
 *
 * @example
 * ```ts
 * dash.on('change', (t) => console.log(t.session, t.kind));
 * dash.on('sync', ({ sessions }) => render(sessions));
 * ```
 */
export interface DashboardEvents {
  /** A transition was applied to `sessions`. */
  change: (transition: Transition) => void;
  /** `sessions` was replaced by a snapshot (on connect, after a reset, gap or subscribe). */
  sync: (event: {
    seq: number;
    reset: boolean;
    sessions: ReadonlyMap<string, SessionStatus>;
  }) => void;
  /** The Socket.IO connection is up (the first time and after each reconnect). */
  connected: () => void;
  /** The connection dropped; the client reconnects by itself unless closed. */
  disconnected: (event: { reason: string }) => void;
  /** A refusal on reconnect that stops the client, or a malformed event skipped. */
  error: (error: PulsegateError) => void;
}
