/** Who paused or resumed a session. */
export type Actor = 'agent' | 'dashboard' | 'api' | 'gateway';
export const ACTORS: readonly Actor[] = ['agent', 'dashboard', 'api', 'gateway'];

/** The state a session is in, as dashboards see it. */
export type SessionState = 'healthy' | 'warning' | 'paused' | 'timed_out' | 'gone';
export const SESSION_STATES: readonly SessionState[] = [
  'healthy',
  'warning',
  'paused',
  'timed_out',
  'gone',
];

/** What happened to a session. */
export type TransitionKind =
  | 'registered'
  | 'warning'
  | 'missed'
  | 'recovered'
  | 'paused'
  | 'resumed'
  | 'timeout'
  | 'disconnected'
  | 'reconnected'
  | 'unregistered';
export const TRANSITION_KINDS: readonly TransitionKind[] = [
  'registered',
  'warning',
  'missed',
  'recovered',
  'paused',
  'resumed',
  'timeout',
  'disconnected',
  'reconnected',
  'unregistered',
];

/** The timing policy of one session. All values are positive integers. */
export interface Policy {
  /** No beat for this long: the first missed beat (warning). */
  readonly timeoutMs: number;
  /** Time between further missed beats. */
  readonly checkIntervalMs: number;
  /** Missed beats that make a timeout. */
  readonly maxMissedBeats: number;
}

/** The status of one session, as `GET /v1/sessions/:id`, `list` and `snapshot` carry it. */
export interface SessionStatus {
  session: string;
  agentType: string;
  tenant: string;
  state: SessionState;
  connected: boolean;
  paused: boolean;
  pausedBy?: Actor;
  pauseReason?: string;
  healthy: boolean;
  missedBeats: number;
  /**
   * M, the session's policy's `maxMissedBeats` (a Pulsegate addition to the contract's
   * status). This gateway always sends it; it is optional so that a status from a gateway
   * that does not (or built from a transition alone) is still a status.
   */
  maxMissedBeats?: number;
  /** ISO-8601, UTC. */
  lastBeat: string;
  msSinceBeat: number;
  /** ISO-8601, UTC. */
  registeredAt: string;
  status?: string;
}

/** One transition, as dashboards receive it (`seq` is stamped by the event log). */
export interface Transition {
  seq: number;
  /** ISO-8601, UTC. */
  at: string;
  kind: TransitionKind;
  session: string;
  agentType: string;
  tenant: string;
  state: SessionState;
  missedBeats: number;
  /** M of the session's policy (a Pulsegate addition, as on `SessionStatus`). */
  maxMissedBeats?: number;
  by?: Actor;
  reason?: string;
  status?: string;
}
