import { MAX_TEXT_LENGTH } from '../../shared/limits.js';
import type { Actor, Policy, SessionState, TransitionKind } from '../../shared/session.js';
import { makeRecord, stateOf, type SessionRecord } from './record.js';
import type { MonitorTransition, Millis } from './types.js';

/**
 * Every rule of PROTOCOL.md section 3, as one pure function:
 * (record, event, now) -> (record, transitions, next deadline). Nothing here keeps state,
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
  transitions: NO_TRANSITIONS,
  deadline: undefined,
  accepted: false,
});

/**
 * The next deadline of a record. Counting: missed beat k (k = missedBeats + 1) is due at
 * L + T + (k-1)·C. Paused: only `maxPauseMs` can end it.
 */
export function deadlineOf(record: SessionRecord, settings: RuleSettings): Millis | undefined {
  if (record.pause !== undefined) {
    return settings.maxPauseMs > 0 ? record.pause.at + settings.maxPauseMs : undefined;
  }
  const p = record.policy;
  return record.lastBeat + p.timeoutMs + record.missedBeats * p.checkIntervalMs;
}

function clip(text: string | undefined): string | undefined {
  return text !== undefined && text.length > MAX_TEXT_LENGTH
    ? text.slice(0, MAX_TEXT_LENGTH)
    : text;
}

function transition(
  kind: TransitionKind,
  at: Millis,
  r: SessionRecord,
  state: SessionState,
  by?: Actor,
  reason?: string,
): MonitorTransition {
  const t: {
    -readonly [K in keyof MonitorTransition]: MonitorTransition[K];
  } = {
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
  transitions: readonly MonitorTransition[],
  settings: RuleSettings,
  accepted = true,
): Step {
  const deadline = record === undefined ? undefined : deadlineOf(record, settings);
  return { record, transitions, deadline, accepted };
}

/** A beat: L = now and the count to 0, or, while paused, only the beat time and status. */
function beaten(r: SessionRecord, now: Millis, status: string | undefined): SessionRecord {
  const text = status === undefined ? r.status : clip(status);
  const missed = r.pause === undefined ? 0 : r.missedBeats;
  return makeRecord(
    r.id,
    r.tenant,
    r.agentType,
    r.policy,
    r.registeredAt,
    now,
    missed,
    r.connected,
    r.pause,
    text,
  );
}

function resumed(r: SessionRecord, at: Millis): SessionRecord {
  return makeRecord(
    r.id,
    r.tenant,
    r.agentType,
    r.policy,
    r.registeredAt,
    at,
    0,
    r.connected,
    undefined,
    r.status,
  );
}

/**
 * Applies one event to one session.
 *
 * @example
 * ```ts
 * const s = step(undefined, { type: 'register', id: 's1', tenant: 'default', agentType: 'planner', policy }, 0, { maxPauseMs: 0 });
 * s.transitions[0].kind; // 'registered'
 * s.deadline; // policy.timeoutMs: the first missed beat
 * ```
 */
export function step(
  r: SessionRecord | undefined,
  event: MonitorEvent,
  now: Millis,
  settings: RuleSettings,
): Step {
  switch (event.type) {
    case 'beat': {
      if (r === undefined) return ABSENT;
      const next = beaten(r, now, event.status);
      const recovered = r.pause === undefined && r.missedBeats > 0;
      return done(
        next,
        recovered ? [transition('recovered', now, next, 'healthy')] : NO_TRANSITIONS,
        settings,
      );
    }
    case 'register':
    case 'connect': {
      const connect = event.type === 'connect';
      if (r === undefined) {
        const created = makeRecord(
          event.id,
          event.tenant,
          event.agentType,
          event.policy,
          now,
          now,
          0,
          connect,
          undefined,
          clip(event.status),
        );
        return done(created, [transition('registered', now, created, 'healthy')], settings);
      }
      if (!connect)
        return {
          ...step(r, { type: 'beat', status: event.status }, now, settings),
          accepted: false,
        };
      // A (re)connection is a beat under the connecting token's agent type.
      const moved = makeRecord(
        r.id,
        r.tenant,
        event.agentType,
        event.policy,
        r.registeredAt,
        r.lastBeat,
        r.missedBeats,
        true,
        r.pause,
        r.status,
      );
      const next = beaten(moved, now, undefined);
      const out = [transition('reconnected', now, next, stateOf(next))];
      if (r.pause === undefined && r.missedBeats > 0)
        out.push(transition('recovered', now, next, 'healthy'));
      return done(next, out, settings);
    }
    case 'disconnect': {
      if (r === undefined || !r.connected)
        return r === undefined ? ABSENT : done(r, NO_TRANSITIONS, settings, false);
      const closed = makeRecord(
        r.id,
        r.tenant,
        r.agentType,
        r.policy,
        r.registeredAt,
        r.lastBeat,
        r.missedBeats,
        false,
        r.pause,
        r.status,
      );
      const out = [transition('disconnected', now, closed, stateOf(closed))];
      if (r.pause?.by !== 'agent') return done(closed, out, settings);
      // An agent's pause holds only while the agent is connected.
      const next = resumed(closed, now);
      out.push(transition('resumed', now, next, 'healthy', 'gateway', 'disconnected'));
      return done(next, out, settings);
    }
    case 'pause': {
      if (r === undefined) return ABSENT;
      const reason = clip(event.reason);
      const p = r.pause;
      if (p !== undefined && p.by === event.by && p.reason === reason)
        return done(r, NO_TRANSITIONS, settings);
      // A new pause over an old one keeps the old start: maxPauseMs bounds the unwatched time.
      const pause = { by: event.by, reason, at: p === undefined ? now : p.at };
      const next = makeRecord(
        r.id,
        r.tenant,
        r.agentType,
        r.policy,
        r.registeredAt,
        r.lastBeat,
        r.missedBeats,
        r.connected,
        pause,
        r.status,
      );
      return done(next, [transition('paused', now, next, 'paused', event.by, reason)], settings);
    }
    case 'resume': {
      if (r === undefined) return ABSENT;
      if (r.pause === undefined) return done(r, NO_TRANSITIONS, settings, false);
      const next = resumed(r, now);
      return done(next, [transition('resumed', now, next, 'healthy', event.by)], settings);
    }
    case 'unregister': {
      if (r === undefined) return ABSENT;
      return done(undefined, [transition('unregistered', now, r, 'gone', event.by)], settings);
    }
    case 'due':
      return due(r, now, settings);
  }
}

/** Handles the record's one deadline at its nominal time, however late `now` is. */
function due(r: SessionRecord | undefined, now: Millis, settings: RuleSettings): Step {
  if (r === undefined) return ABSENT;
  const at = deadlineOf(r, settings);
  if (at === undefined || at > now) return done(r, NO_TRANSITIONS, settings, false);
  if (r.pause !== undefined) {
    const next = resumed(r, at);
    return done(
      next,
      [transition('resumed', at, next, 'healthy', 'gateway', 'max_pause')],
      settings,
    );
  }
  const k = r.missedBeats + 1;
  const M = r.policy.maxMissedBeats;
  const next = makeRecord(
    r.id,
    r.tenant,
    r.agentType,
    r.policy,
    r.registeredAt,
    r.lastBeat,
    k,
    r.connected,
    undefined,
    r.status,
  );
  if (k < M)
    return done(next, [transition(k === 1 ? 'warning' : 'missed', at, next, 'warning')], settings);
  const out = k === 1 ? [transition('warning', at, next, 'warning')] : [];
  out.push(transition('timeout', at, next, 'timed_out'));
  return done(undefined, out, settings);
}
