import { clipText, MAX_TEXT_LENGTH } from '../../shared/limits.js';
import type { Actor, Policy, SessionState, TransitionKind } from '../../shared/session.js';
import { makeRecord, recordWith, stateOf, type SessionRecord } from './record.js';
import type { MonitorTransition, Millis } from './types.js';

/**
 * Every rule of PROTOCOL.md section 3, as one pure function:
 * (record, L, event, now) -> (record, L, transitions, next deadline), L being the time of
 * the last beat (kept beside the record: see record.ts). Nothing here keeps state,
 * reads the time or sets a timer, so the in-memory store and the Redis store run the same
 * rules. See docs/monitor.md for the timeline and the choices where the contract is silent.
 */
export type MonitorEvent =
  | {
      readonly type: 'register' | 'connect';
      readonly id: string;
      readonly tenant: string;
      readonly agentType: string;
      /** The policy of `agentType`, resolved by the caller's configuration. */
      readonly policy: Policy;
      readonly status?: string | undefined;
    }
  | { readonly type: 'disconnect' }
  | { readonly type: 'beat'; readonly status?: string | undefined }
  | { readonly type: 'pause'; readonly by: Actor; readonly reason?: string | undefined }
  | { readonly type: 'resume'; readonly by: Actor }
  | { readonly type: 'unregister'; readonly by?: Actor | undefined }
  /** The record's deadline has come: handles exactly one deadline, the earliest. */
  | { readonly type: 'due' };

export interface RuleSettings {
  /** A pause ends by itself this long after it began; 0: never. */
  readonly maxPauseMs: number;
}

export interface Step {
  /** The new record; `undefined` when the session is (now, or still) absent. */
  readonly record: SessionRecord | undefined;
  /** The new L: the last beat, or the last resume (which restarts the counting). */
  readonly lastBeat: Millis;
  readonly transitions: readonly MonitorTransition[];
  /** When `due` must next be applied; `undefined`: never (paused without limit, or gone). */
  readonly deadline: Millis | undefined;
  /** The boolean the monitor's method returns (false: unknown session, or nothing to do). */
  readonly accepted: boolean;
}

/** Shared by every step without transitions, so a plain beat allocates no array. */
export const NO_TRANSITIONS: readonly MonitorTransition[] = Object.freeze([]);

const ABSENT: Step = Object.freeze({
  record: undefined,
  lastBeat: 0,
  transitions: NO_TRANSITIONS,
  deadline: undefined,
  accepted: false,
});

/**
 * The next deadline of a session. Counting: missed beat k (k = missedBeats + 1) is due at
 * L + T + (k-1)·C. Paused: only `maxPauseMs` can end it.
 */
export function deadlineOf(
  record: SessionRecord,
  lastBeat: Millis,
  settings: RuleSettings,
): Millis | undefined {
  if (record.pause !== undefined) {
    return settings.maxPauseMs > 0 ? record.pause.at + settings.maxPauseMs : undefined;
  }
  const p = record.policy;
  return lastBeat + p.timeoutMs + record.missedBeats * p.checkIntervalMs;
}

function clip(text: string | undefined): string | undefined {
  return text === undefined ? text : clipText(text, MAX_TEXT_LENGTH);
}

type Patch = { -readonly [K in keyof SessionRecord]?: SessionRecord[K] };

/** A copy of `r` with some fields changed (`pause: undefined` clears the pause). */
function change(r: SessionRecord, patch: Patch): SessionRecord {
  return makeRecord(
    r.id,
    r.tenant,
    patch.agentType ?? r.agentType,
    patch.policy ?? r.policy,
    r.registeredAt,
    patch.missedBeats ?? r.missedBeats,
    patch.connected ?? r.connected,
    'pause' in patch ? patch.pause : r.pause,
    'status' in patch ? patch.status : r.status,
  );
}

function transition(
  kind: TransitionKind,
  at: Millis,
  r: SessionRecord,
  state: SessionState,
  by?: Actor,
  reason?: string,
): MonitorTransition {
  const t: { -readonly [K in keyof MonitorTransition]: MonitorTransition[K] } = {
    kind,
    at,
    session: r.id,
    tenant: r.tenant,
    agentType: r.agentType,
    state,
    missedBeats: r.missedBeats,
    maxMissedBeats: r.policy.maxMissedBeats,
  };
  if (by !== undefined) t.by = by;
  if (reason !== undefined) t.reason = reason;
  if (r.status !== undefined) t.status = r.status;
  return t;
}

function done(
  record: SessionRecord | undefined,
  lastBeat: Millis,
  transitions: readonly MonitorTransition[],
  settings: RuleSettings,
  accepted = true,
): Step {
  const deadline = record === undefined ? undefined : deadlineOf(record, lastBeat, settings);
  return { record, lastBeat, transitions, deadline, accepted };
}

/**
 * A beat: L = now and the count to 0, with `recovered` from a warning. While paused it is
 * accepted and resets both as well (the contract's "a beat resets L and the missed count",
 * and the seed's `beat`), but emits nothing: the session stays paused. A healthy session's
 * beat keeps its record: nothing is allocated but the step itself.
 * `step(r, L, { type: 'beat', status }, now, settings)` is the same; this entry spares the
 * hot path the event object and the dispatch.
 */
export function beat(
  r: SessionRecord,
  now: Millis,
  status: string | undefined,
  settings: RuleSettings,
): Step {
  const text = status === undefined ? r.status : clip(status);
  if (text === r.status && r.missedBeats === 0) return done(r, now, NO_TRANSITIONS, settings);
  const next = change(r, { missedBeats: 0, status: text });
  const out =
    r.pause === undefined && r.missedBeats > 0
      ? [transition('recovered', now, next, 'healthy')]
      : NO_TRANSITIONS;
  return done(next, now, out, settings);
}

/**
 * Applies one event to one session whose last beat was at `lastBeat` (ignored when the
 * session is absent).
 *
 * @example
 * ```ts
 * const event = { type: 'register', id: 's1', tenant: 'default', agentType: 'planner', policy } as const;
 * const s = step(undefined, 0, event, 1_000, { maxPauseMs: 0 });
 * s.transitions[0]?.kind; // 'registered'
 * s.deadline; // 1_000 + policy.timeoutMs: the first missed beat
 * ```
 */
export function step(
  r: SessionRecord | undefined,
  lastBeat: Millis,
  event: MonitorEvent,
  now: Millis,
  settings: RuleSettings,
): Step {
  if (event.type === 'beat') return r === undefined ? ABSENT : beat(r, now, event.status, settings);
  if (r === undefined) {
    if (event.type !== 'register' && event.type !== 'connect') return ABSENT;
    const connected = event.type === 'connect';
    const created = makeRecord(
      event.id,
      event.tenant,
      event.agentType,
      event.policy,
      now,
      0,
      connected,
      undefined,
      clip(event.status),
    );
    return done(created, now, [transition('registered', now, created, 'healthy')], settings);
  }
  switch (event.type) {
    case 'register':
      return { ...beat(r, now, event.status, settings), accepted: false };
    case 'connect': {
      // A (re)connection is a beat under the connecting token's agent type.
      const moved = change(r, {
        agentType: event.agentType,
        policy: event.policy,
        connected: true,
      });
      // Like any beat, it resets the count, paused or not; `recovered` only from a warning.
      const next = r.missedBeats > 0 ? change(moved, { missedBeats: 0 }) : moved;
      const out = [transition('reconnected', now, next, stateOf(next))];
      if (r.pause === undefined && r.missedBeats > 0) {
        out.push(transition('recovered', now, next, 'healthy'));
      }
      return done(next, now, out, settings);
    }
    case 'disconnect': {
      if (!r.connected) return done(r, lastBeat, NO_TRANSITIONS, settings, false);
      const closed = change(r, { connected: false });
      const out = [transition('disconnected', now, closed, stateOf(closed))];
      if (r.pause?.by !== 'agent') return done(closed, lastBeat, out, settings);
      // An agent's pause holds only while the agent is connected.
      const next = change(closed, { pause: undefined, missedBeats: 0 });
      out.push(transition('resumed', now, next, 'healthy', 'gateway', 'disconnected'));
      return done(next, now, out, settings);
    }
    case 'pause': {
      const reason = clip(event.reason);
      const p = r.pause;
      if (p !== undefined && p.by === event.by && p.reason === reason) {
        return done(r, lastBeat, NO_TRANSITIONS, settings);
      }
      // An agent's pause ends with its connection; a dashboard's or the API's holds until
      // resumed. Taking one over would let a disconnect end a pause the agent did not make.
      if (p !== undefined && p.by !== 'agent' && event.by === 'agent') {
        return done(r, lastBeat, NO_TRANSITIONS, settings);
      }
      // A new pause over an old one keeps the old start: maxPauseMs bounds the unwatched time.
      const next = change(r, { pause: { by: event.by, reason, at: p === undefined ? now : p.at } });
      return done(
        next,
        lastBeat,
        [transition('paused', now, next, 'paused', event.by, reason)],
        settings,
      );
    }
    case 'resume': {
      if (r.pause === undefined) return done(r, lastBeat, NO_TRANSITIONS, settings, false);
      const next = change(r, { pause: undefined, missedBeats: 0 });
      return done(next, now, [transition('resumed', now, next, 'healthy', event.by)], settings);
    }
    case 'unregister':
      return done(
        undefined,
        lastBeat,
        [transition('unregistered', now, r, 'gone', event.by)],
        settings,
      );
    case 'due':
      return due(r, lastBeat, now, settings);
  }
}

/**
 * `r`, unpaused, with `missedBeats` missed beats: what a deadline makes of a session. Built
 * directly rather than through `change`, so the wake-up's hot path makes no patch object.
 */
function counting(r: SessionRecord, missedBeats: number): SessionRecord {
  return recordWith(r, missedBeats, undefined, r.status);
}

/**
 * Handles the session's one deadline at its nominal time, however late `now` is. This is the
 * hot path of a wake-up: the new record is built directly (no patch object) and the next
 * deadline is computed once. `step(r, L, { type: 'due' }, now, settings)` is the same; this
 * entry spares a wake-up the dispatch.
 */
export function due(r: SessionRecord, lastBeat: Millis, now: Millis, settings: RuleSettings): Step {
  const pause = r.pause;
  const p = r.policy;
  if (pause !== undefined) {
    const max = settings.maxPauseMs;
    const at = max > 0 ? pause.at + max : undefined;
    if (at === undefined || at > now) return done(r, lastBeat, NO_TRANSITIONS, settings, false);
    const next = counting(r, 0);
    const out = [transition('resumed', at, next, 'healthy', 'gateway', 'max_pause')];
    return {
      record: next,
      lastBeat: at,
      transitions: out,
      deadline: at + p.timeoutMs,
      accepted: true,
    };
  }
  const missed = r.missedBeats;
  const at = lastBeat + p.timeoutMs + missed * p.checkIntervalMs;
  if (at > now) return done(r, lastBeat, NO_TRANSITIONS, settings, false);
  const k = missed + 1;
  const next = counting(r, k);
  if (k < p.maxMissedBeats) {
    const out = [transition(k === 1 ? 'warning' : 'missed', at, next, 'warning')];
    return {
      record: next,
      lastBeat,
      transitions: out,
      deadline: at + p.checkIntervalMs,
      accepted: true,
    };
  }
  const out =
    k === 1
      ? [transition('warning', at, next, 'warning'), transition('timeout', at, next, 'timed_out')]
      : [transition('timeout', at, next, 'timed_out')];
  return { record: undefined, lastBeat, transitions: out, deadline: undefined, accepted: true };
}
