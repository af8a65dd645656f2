import type { SessionStatus, Transition } from '../../shared/session.js';

export interface SessionRowsOptions {
  /** How long a session that timed out or left stays in the table (default 60 s). */
  readonly keepDepartedMs?: number;
  /** Most departed sessions kept at once; the oldest goes first (default 1,000). */
  readonly maxDeparted?: number;
}

/**
 * The page's own copy of the sessions it shows, keyed by session id (a dashboard sees
 * one tenant, so ids are unique). It is fed by the client's snapshots and transitions
 * and by periodic `list()` answers: beats that change nothing emit no transition, so
 * only a fresh read tells the page about their `lastBeat` and `status`.
 *
 * A session that timed out or was unregistered stays listed for a while, in state
 * `timed_out` or `gone`, so that the operator sees which one went; the gateway has
 * already forgotten it. It also tracks the offset between the browser's clock and the
 * gateway's, so that "time since the last beat" ticks right on a machine whose clock
 * is off.
 */
export class SessionRows {
  readonly #rows = new Map<string, SessionStatus>();
  /** Departed session id -> local time it left, oldest first. */
  readonly #departed = new Map<string, number>();
  readonly #keepDepartedMs: number;
  readonly #maxDeparted: number;
  /** Transitions applied so far, and per session the count at its latest one. */
  #applied = 0;
  readonly #appliedAt = new Map<string, number>();
  /** localNow - gatewayNow, estimated from the latest snapshot or read. */
  #offsetMs = 0;
  #version = 0;

  constructor(options: SessionRowsOptions = {}) {
    this.#keepDepartedMs = options.keepDepartedMs ?? 60_000;
    this.#maxDeparted = options.maxDeparted ?? 1_000;
  }

  /** Bumped on every change, so derived views know when to recompute. */
  get version(): number {
    return this.#version;
  }

  /** Live sessions (departed ones not counted). */
  get size(): number {
    return this.#rows.size - this.#departed.size;
  }

  values(): IterableIterator<SessionStatus> {
    return this.#rows.values();
  }

  get(session: string): SessionStatus | undefined {
    return this.#rows.get(session);
  }

  /**
   * A mark to take before reading statuses over HTTP: a read that started before a
   * transition of its session arrived is older than that transition and is dropped.
   */
  get mark(): number {
    return this.#applied;
  }

  /** True for a session that timed out or left: it has no controls. */
  departed(session: string): boolean {
    return this.#departed.has(session);
  }

  /**
   * Replaces every live row by a full, current view (a snapshot or a `list()` answer);
   * departed rows that the view does not bring back stay until they expire.
   */
  replaceAll(sessions: Iterable<SessionStatus>, localNow: number): void {
    const departed = [...this.#departed.keys()].map((id) => this.#rows.get(id));
    this.#rows.clear();
    let offset: number | undefined;
    for (const s of sessions) {
      this.#rows.set(s.session, s);
      this.#departed.delete(s.session);
      // Every row gives the gateway's "now" as lastBeat + msSinceBeat; the first will do.
      offset ??= gatewayOffset(s, localNow);
    }
    for (const s of departed) {
      if (s !== undefined && this.#departed.has(s.session)) this.#rows.set(s.session, s);
    }
    if (offset !== undefined) this.#offsetMs = offset;
    for (const id of this.#appliedAt.keys()) if (!this.#rows.has(id)) this.#appliedAt.delete(id);
    this.#version += 1;
  }

  /**
   * Replaces one live row by a fresh status read from the gateway
   * (`GET /v1/sessions/:id`). A session that left meanwhile is not brought back.
   */
  refresh(status: SessionStatus, localNow: number, mark: number): void {
    if (!this.#rows.has(status.session) || this.#departed.has(status.session)) return;
    // HTTP and the socket are not ordered: a transition that arrived after the read was
    // sent is newer than what the read brings.
    if ((this.#appliedAt.get(status.session) ?? -1) >= mark) return;
    this.#rows.set(status.session, status);
    const offset = gatewayOffset(status, localNow);
    if (offset !== undefined) this.#offsetMs = offset;
    this.#version += 1;
  }

  /**
   * Applies one transition. `current` is the client's status of that session after the
   * transition (absent once the session is gone). A transition does not carry
   * `lastBeat`, so the newer of the two known beats is kept, and a status text the
   * transition does not repeat is kept too.
   */
  apply(transition: Transition, current: SessionStatus | undefined, localNow: number): void {
    const previous = this.#rows.get(transition.session);
    const { state } = transition;
    if (state === 'timed_out' || state === 'gone' || current === undefined) {
      if (previous === undefined) return;
      this.#rows.set(transition.session, {
        ...previous,
        state,
        connected: false,
        paused: false,
        healthy: false,
        missedBeats: transition.missedBeats,
        pausedBy: undefined,
        pauseReason: undefined,
      });
      this.#departed.delete(transition.session);
      this.#departed.set(transition.session, localNow);
      this.#evictOverflow();
    } else {
      const fresh = transition.kind === 'registered' || this.#departed.has(transition.session);
      this.#departed.delete(transition.session);
      this.#rows.set(transition.session, fresh ? current : merge(previous, current, transition));
    }
    this.#appliedAt.set(transition.session, this.#applied);
    this.#applied += 1;
    this.#version += 1;
  }

  /** Drops departed rows older than `keepDepartedMs`. Call it once a second or so. */
  prune(localNow: number): void {
    let dropped = false;
    for (const [id, leftAt] of this.#departed) {
      if (localNow - leftAt < this.#keepDepartedMs) break;
      this.#departed.delete(id);
      this.#rows.delete(id);
      this.#appliedAt.delete(id);
      dropped = true;
    }
    if (dropped) this.#version += 1;
  }

  /** Milliseconds since the session's last beat, on the gateway's clock. */
  msSinceBeat(s: SessionStatus, localNow: number): number {
    const beat = Date.parse(s.lastBeat);
    if (Number.isNaN(beat)) return s.msSinceBeat;
    return Math.max(0, localNow - this.#offsetMs - beat);
  }

  #evictOverflow(): void {
    while (this.#departed.size > this.#maxDeparted) {
      const oldest = this.#departed.keys().next().value;
      if (oldest === undefined) return;
      this.#departed.delete(oldest);
      this.#rows.delete(oldest);
      this.#appliedAt.delete(oldest);
    }
  }
}

function gatewayOffset(s: SessionStatus, localNow: number): number | undefined {
  const beat = Date.parse(s.lastBeat);
  if (Number.isNaN(beat) || !Number.isFinite(s.msSinceBeat)) return undefined;
  return localNow - (beat + s.msSinceBeat);
}

function merge(
  previous: SessionStatus | undefined,
  current: SessionStatus,
  t: Transition,
): SessionStatus {
  if (previous === undefined) return current;
  const newerBeat = Date.parse(previous.lastBeat) > Date.parse(current.lastBeat);
  const status = t.status ?? current.status ?? previous.status;
  return {
    ...current,
    ...(newerBeat ? { lastBeat: previous.lastBeat, msSinceBeat: previous.msSinceBeat } : {}),
    ...(status === undefined ? {} : { status }),
  };
}
