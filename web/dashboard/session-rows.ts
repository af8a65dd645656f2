import type { SessionStatus, Transition } from '../../shared/session.js';

/**
 * The page's own copy of the sessions it shows, keyed by session id (a dashboard sees
 * one tenant, so ids are unique). It is fed by the client's snapshots and transitions
 * and by periodic `list()` answers: beats that change nothing emit no transition, so
 * only a fresh list tells the page about their `lastBeat` and `status`.
 *
 * It also tracks the offset between the browser's clock and the gateway's, so that
 * "time since the last beat" ticks correctly on a machine whose clock is off.
 */
export class SessionRows {
  readonly #rows = new Map<string, SessionStatus>();
  /** localNow - gatewayNow, estimated from the latest snapshot or list. */
  #offsetMs = 0;
  #version = 0;

  /** Bumped on every change, so derived views know when to recompute. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#rows.size;
  }

  values(): IterableIterator<SessionStatus> {
    return this.#rows.values();
  }

  get(session: string): SessionStatus | undefined {
    return this.#rows.get(session);
  }

  /** Replaces every row by a full, current view (a snapshot or a `list()` answer). */
  replaceAll(sessions: Iterable<SessionStatus>, localNow: number): void {
    this.#rows.clear();
    let offset: number | undefined;
    for (const s of sessions) {
      this.#rows.set(s.session, s);
      // Every row gives the gateway's "now" as lastBeat + msSinceBeat; the first will do.
      if (offset === undefined) offset = gatewayOffset(s, localNow);
    }
    if (offset !== undefined) this.#offsetMs = offset;
    this.#version += 1;
  }

  /**
   * Replaces one row by a fresh status read from the gateway (`GET /v1/sessions/:id`).
   * A session that left meanwhile is not brought back.
   */
  refresh(status: SessionStatus, localNow: number): void {
    if (!this.#rows.has(status.session)) return;
    this.#rows.set(status.session, status);
    const offset = gatewayOffset(status, localNow);
    if (offset !== undefined) this.#offsetMs = offset;
    this.#version += 1;
  }

  /**
   * Applies one transition. `current` is the client's status of that session after
   * the transition (absent when the session is gone). A transition does not carry
   * `lastBeat`, so the newer of the two known beats is kept, and a status text the
   * transition does not repeat is kept too.
   */
  apply(transition: Transition, current: SessionStatus | undefined): void {
    const previous = this.#rows.get(transition.session);
    if (current === undefined || transition.state === 'timed_out' || transition.state === 'gone') {
      if (previous === undefined) return;
      this.#rows.delete(transition.session);
    } else {
      this.#rows.set(transition.session, merge(previous, current, transition));
    }
    this.#version += 1;
  }

  /** Milliseconds since the session's last beat, on the gateway's clock. */
  msSinceBeat(s: SessionStatus, localNow: number): number {
    const beat = Date.parse(s.lastBeat);
    if (Number.isNaN(beat)) return s.msSinceBeat;
    return Math.max(0, localNow - this.#offsetMs - beat);
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
