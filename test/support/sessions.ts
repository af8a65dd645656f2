import type { SessionStatus, Transition } from '../../shared/session.js';

const T0 = '2026-01-01T00:00:00.000Z';

/**
 * The status of a connected, healthy, unpaused session that has missed no beat, registered
 * and last beaten at 2026-01-01T00:00:00Z. Tests override what they look at; the defaults
 * stay as documented, since some tests compare a whole status against one.
 */
export function status(over: Partial<SessionStatus> & { session: string }): SessionStatus {
  return {
    agentType: 'worker',
    tenant: 'default',
    state: 'healthy',
    connected: true,
    paused: false,
    healthy: true,
    missedBeats: 0,
    lastBeat: T0,
    msSinceBeat: 0,
    registeredAt: T0,
    ...over,
  };
}

/** A `registered` transition (seq 1, at 2026-01-01T00:00:00Z); tests override the rest. */
export function transition(over: Partial<Transition> & { session: string }): Transition {
  return {
    seq: 1,
    at: T0,
    kind: 'registered',
    agentType: 'worker',
    tenant: 'default',
    state: 'healthy',
    missedBeats: 0,
    ...over,
  };
}
