import type { Snapshot } from '../../shared/dashboard.js';
import type { SessionStatus, Transition } from '../../shared/session.js';

/** The transitions after which the gateway has just seen a beat (L = `at`). */
const BEAT_IMPLIED: ReadonlySet<string> = new Set([
  'registered',
  'reconnected',
  'recovered',
  'resumed',
]);

/**
 * The next status of one session after `t`, or `undefined` when the session is gone.
 * Pure. `prev` is the mirror's current status (absent for a new session, or one the
 * mirror never saw). What a transition does not carry keeps its previous value: a plain
 * beat emits no transition, so `lastBeat` is as of the latest beat a transition implies,
 * and `msSinceBeat` is as of that moment (read `lastBeat` for a live figure).
 *
 * @example
 * ```ts
 * applyTransition(status, { ...t, kind: 'paused', by: 'dashboard', reason: 'maintenance' });
 * // -> { ...status, paused: true, pausedBy: 'dashboard', pauseReason: 'maintenance', state: 'paused' }
 * ```
 */
export function applyTransition(
  prev: SessionStatus | undefined,
  t: Transition,
): SessionStatus | undefined {
  if (t.kind === 'timeout' || t.kind === 'unregistered') return undefined;
  const fresh = prev === undefined || t.kind === 'registered';
  const beat = BEAT_IMPLIED.has(t.kind);
  const next: SessionStatus = {
    session: t.session,
    agentType: t.agentType,
    tenant: t.tenant,
    state: t.state,
    connected: connectedAfter(prev, t, fresh),
    paused: fresh ? false : (prev?.paused ?? false),
    healthy: t.missedBeats === 0,
    missedBeats: t.missedBeats,
    lastBeat: beat || prev === undefined ? t.at : prev.lastBeat,
    msSinceBeat: beat || prev === undefined ? 0 : prev.msSinceBeat,
    registeredAt: fresh || prev === undefined ? t.at : prev.registeredAt,
  };
  // M: the transition's (a Pulsegate gateway sends it), else the one the session had.
  const m = t.maxMissedBeats ?? (fresh ? undefined : prev?.maxMissedBeats);
  if (m !== undefined) next.maxMissedBeats = m;
  if (!fresh && prev !== undefined && prev.paused) {
    if (prev.pausedBy !== undefined) next.pausedBy = prev.pausedBy;
    if (prev.pauseReason !== undefined) next.pauseReason = prev.pauseReason;
  }
  if (t.kind === 'paused') {
    next.paused = true;
    delete next.pausedBy;
    delete next.pauseReason;
    if (t.by !== undefined) next.pausedBy = t.by;
    if (t.reason !== undefined) next.pauseReason = t.reason;
  } else if (t.kind === 'resumed') {
    next.paused = false;
    delete next.pausedBy;
    delete next.pauseReason;
  }
  const status = t.status ?? (fresh ? undefined : prev?.status);
  if (status !== undefined) next.status = status;
  return next;
}

function connectedAfter(prev: SessionStatus | undefined, t: Transition, fresh: boolean): boolean {
  switch (t.kind) {
    case 'disconnected':
      return false;
    case 'reconnected':
      return true;
    case 'registered':
      // An HTTP beat registers a session with no connection; the API is its actor.
      return t.by !== 'api';
    default:
      return fresh ? true : (prev?.connected ?? true);
  }
}

/** What happened to a transition offered to the mirror. */
export type ApplyResult = 'applied' | 'stale' | 'gap';

/**
 * A live map of sessions kept from snapshots and transitions, with the `seq` of the
 * last event applied (the `since` of a reconnect).
 */
export class SessionMirror {
  #sessions = new Map<string, SessionStatus>();
  #seq: number | undefined;

  /** Keyed by session id; the map object is replaced on every snapshot. */
  get sessions(): ReadonlyMap<string, SessionStatus> {
    return this.#sessions;
  }

  /** The `seq` of the last snapshot or transition applied; `undefined` before any. */
  get seq(): number | undefined {
    return this.#seq;
  }

  replace(snapshot: Snapshot): void {
    // No array of pairs in between: a snapshot may hold 10,000 sessions.
    const sessions = new Map<string, SessionStatus>();
    for (const s of snapshot.sessions) sessions.set(s.session, s);
    this.#sessions = sessions;
    this.#seq = snapshot.seq;
  }

  /**
   * Applies `t` unless it is already reflected (`stale`: its seq is not past the
   * mirror's) or, when `strict`, unless events are missing before it (`gap`: the caller
   * must resynchronise). A filtered stream is not strict: its gaps are the filtered-out
   * events.
   */
  apply(t: Transition, strict: boolean): ApplyResult {
    if (this.#seq !== undefined && t.seq <= this.#seq) return 'stale';
    if (strict && this.#seq !== undefined && t.seq !== this.#seq + 1) return 'gap';
    const next = applyTransition(this.#sessions.get(t.session), t);
    if (next === undefined) this.#sessions.delete(t.session);
    else this.#sessions.set(t.session, next);
    this.#seq = t.seq;
    return 'applied';
  }

  clear(): void {
    this.#sessions = new Map();
    this.#seq = undefined;
  }
}
