import type { PulsegateError } from '../../shared/errors.js';
import type { WelcomeFrame } from '../../shared/gateway-frames.js';
import type { Actor } from '../../shared/session.js';

/**
 * The events of an `AgentClient`.
 *
 * @example
 * ```ts
 * agent.on('warning', ({ missedBeats }) => console.warn('late by', missedBeats, 'beats'));
 * agent.on('closed', ({ code }) => process.exit(code === 1000 ? 0 : 1));
 * ```
 */
export interface AgentEvents {
  /** Every `welcome`: the first connect and each reconnect. */
  welcome: (welcome: WelcomeFrame) => void;
  /** A reconnect was welcomed (`welcome.resumed` tells whether the session survived). */
  reconnected: (welcome: WelcomeFrame) => void;
  /** The gateway missed a beat: the agent is late. */
  warning: (event: { missedBeats: number }) => void;
  /** Someone else (a dashboard, the API, the gateway) paused the session. */
  paused: (event: { by: Actor; reason?: string }) => void;
  /** Someone else resumed the session. */
  resumed: (event: { by: Actor }) => void;
  /** A frame was refused (the connection stays), or a token refresh failed. */
  error: (error: PulsegateError) => void;
  /** A welcomed connection ended; `willReconnect` tells what comes next. */
  disconnected: (event: { code: number; reason: string; willReconnect: boolean }) => void;
  /**
   * The client stopped for good: after `close()` (code 1000 once the gateway confirmed
   * the `bye`; 1006 or the last close code when it could not be said in time), 4009,
   * 4011, or a refused token. After `close()` it is the only event emitted.
   */
  closed: (event: { code: number; reason: string }) => void;
}
