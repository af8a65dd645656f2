import type { Actor, Policy, SessionStatus } from '../../shared/session.js';
import type { LiveState, Millis } from './types.js';

/** Who paused a session, why, and since when (the start of the pause, for `maxPauseMs`). */
export interface PauseInfo {
  readonly by: Actor;
  readonly reason: string | undefined;
  readonly at: Millis;
}

/**
 * One session's state, as the rules see it: a value the rules never change (they return a
 * new one). The in-memory store copies a new record's fields into its own object for the
 * session (store.ts), so a record read from a store is current only until the session's
 * next write there. Kept to nine fields (a pause is one optional sub-record) because a
 * million sessions must fit in well under 300 bytes each, index structures included.
 *
 * L, the time of the last beat, is not in here: it changes on every beat, and a new record
 * per beat would be old-generation garbage at a million sessions (each record lives until
 * the next beat, long enough to be promoted). The rules take L beside the record, and the
 * store keeps it as a number in the session's slot, so a plain beat allocates no record.
 */
export interface SessionRecord {
  readonly id: string;
  readonly tenant: string;
  readonly agentType: string;
  readonly policy: Policy;
  readonly registeredAt: Millis;
  readonly missedBeats: number;
  readonly connected: boolean;
  readonly pause: PauseInfo | undefined;
  readonly status: string | undefined;
}

/**
 * Builds a record. Every record is made here, with its fields in one order, so that all of
 * them share one hidden class and the beat path stays monomorphic.
 */
export function makeRecord(
  id: string,
  tenant: string,
  agentType: string,
  policy: Policy,
  registeredAt: Millis,
  missedBeats: number,
  connected: boolean,
  pause: PauseInfo | undefined,
  status: string | undefined,
): SessionRecord {
  return {
    id,
    tenant,
    agentType,
    policy,
    registeredAt,
    missedBeats,
    connected,
    pause,
    status,
  };
}

/**
 * A new record of `r`'s session with the three fields that change between its events
 * without a new registration: its missed beats, its pause and its status text.
 */
export function recordWith(
  r: SessionRecord,
  missedBeats: number,
  pause: PauseInfo | undefined,
  status: string | undefined,
): SessionRecord {
  return makeRecord(
    r.id,
    r.tenant,
    r.agentType,
    r.policy,
    r.registeredAt,
    missedBeats,
    r.connected,
    pause,
    status,
  );
}

/** A copy of `r` that no store changes later: for keeping a session's state as it is now. */
export function copyRecord(r: SessionRecord): SessionRecord {
  return recordWith(r, r.missedBeats, r.pause, r.status);
}

/** The live state of a record: paused wins over warning, warning over healthy. */
export function stateOf(record: SessionRecord): LiveState {
  if (record.pause !== undefined) return 'paused';
  return record.missedBeats > 0 ? 'warning' : 'healthy';
}

/**
 * The contract's `SessionStatus` of a record whose last beat (or resume, which restarts the
 * counting like a beat) was at `lastBeat`, at time `now`.
 */
export function toStatus(record: SessionRecord, lastBeat: Millis, now: Millis): SessionStatus {
  const status: SessionStatus = {
    session: record.id,
    agentType: record.agentType,
    tenant: record.tenant,
    state: stateOf(record),
    connected: record.connected,
    paused: record.pause !== undefined,
    healthy: record.missedBeats === 0,
    missedBeats: record.missedBeats,
    maxMissedBeats: record.policy.maxMissedBeats,
    lastBeat: new Date(lastBeat).toISOString(),
    msSinceBeat: Math.max(0, now - lastBeat),
    registeredAt: new Date(record.registeredAt).toISOString(),
  };
  if (record.pause !== undefined) {
    status.pausedBy = record.pause.by;
    if (record.pause.reason !== undefined) status.pauseReason = record.pause.reason;
  }
  if (record.status !== undefined) status.status = record.status;
  return status;
}
