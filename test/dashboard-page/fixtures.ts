import type { SessionStatus, Transition } from '../../shared/session.js';

/** A plausible status; tests override what they look at. */
export function status(over: Partial<SessionStatus> & { session: string }): SessionStatus {
  return {
    agentType: 'worker',
    tenant: 'default',
    state: 'healthy',
    connected: true,
    paused: false,
    healthy: true,
    missedBeats: 0,
    lastBeat: '2026-01-01T00:00:00.000Z',
    msSinceBeat: 0,
    registeredAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export function transition(over: Partial<Transition> & { session: string }): Transition {
  return {
    seq: 1,
    at: '2026-01-01T00:00:00.000Z',
    kind: 'registered',
    agentType: 'worker',
    tenant: 'default',
    state: 'healthy',
    missedBeats: 0,
    ...over,
  };
}
