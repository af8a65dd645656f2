import type { Snapshot } from '../../shared/dashboard.js';
import { isErrorCode, PulsegateError } from '../../shared/errors.js';
import { isJsonRecord, type JsonRecord } from '../../shared/record.js';
import {
  ACTORS,
  SESSION_STATES,
  TRANSITION_KINDS,
  type Actor,
  type SessionState,
  type SessionStatus,
  type Transition,
  type TransitionKind,
} from '../../shared/session.js';

/*
 * Total guards for what the gateway sends a dashboard. The SDK trusts the gateway's
 * shapes no more than the gateway trusts the SDK's: a malformed event is dropped (and a
 * malformed snapshot forces a resync) instead of corrupting the mirror.
 */

function oneOf<T extends string>(list: readonly T[]) {
  return (value: unknown): value is T =>
    typeof value === 'string' && (list as readonly string[]).includes(value);
}

const isActor = oneOf<Actor>(ACTORS);
const isState = oneOf<SessionState>(SESSION_STATES);
const isKind = oneOf<TransitionKind>(TRANSITION_KINDS);

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** M: a policy's `maxMissedBeats` is at least 1. */
function isPositive(value: unknown): value is number {
  return isCount(value) && value > 0;
}

function optionalString(record: JsonRecord, key: string): string | undefined | false {
  const value = record[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : false;
}

/** A `SessionStatus` from untrusted input, or `undefined`. */
export function readSessionStatus(value: unknown): SessionStatus | undefined {
  if (!isJsonRecord(value)) return undefined;
  const { session, agentType, tenant, state, connected, paused, healthy } = value;
  const { missedBeats, maxMissedBeats, lastBeat, msSinceBeat, registeredAt, pausedBy } = value;
  if (typeof session !== 'string' || typeof agentType !== 'string') return undefined;
  if (typeof tenant !== 'string' || !isState(state)) return undefined;
  if (typeof connected !== 'boolean' || typeof paused !== 'boolean') return undefined;
  if (typeof healthy !== 'boolean' || !isCount(missedBeats)) return undefined;
  if (typeof lastBeat !== 'string' || typeof registeredAt !== 'string') return undefined;
  if (typeof msSinceBeat !== 'number' || !Number.isFinite(msSinceBeat)) return undefined;
  if (pausedBy !== undefined && !isActor(pausedBy)) return undefined;
  if (maxMissedBeats !== undefined && !isPositive(maxMissedBeats)) return undefined;
  const pauseReason = optionalString(value, 'pauseReason');
  const status = optionalString(value, 'status');
  if (pauseReason === false || status === false) return undefined;
  const out: SessionStatus = {
    session,
    agentType,
    tenant,
    state,
    connected,
    paused,
    healthy,
    missedBeats,
    lastBeat,
    msSinceBeat,
    registeredAt,
  };
  if (maxMissedBeats !== undefined) out.maxMissedBeats = maxMissedBeats;
  if (pausedBy !== undefined) out.pausedBy = pausedBy;
  if (pauseReason !== undefined) out.pauseReason = pauseReason;
  if (status !== undefined) out.status = status;
  return out;
}

/** A list of `SessionStatus`, or `undefined` when any entry is malformed. */
export function readSessionList(value: unknown): SessionStatus[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: SessionStatus[] = [];
  for (const item of value as unknown[]) {
    const status = readSessionStatus(item);
    if (status === undefined) return undefined;
    out.push(status);
  }
  return out;
}

export function readSnapshot(value: unknown): Snapshot | undefined {
  if (!isJsonRecord(value)) return undefined;
  const { seq, reset } = value;
  const sessions = readSessionList(value['sessions']);
  if (!isCount(seq) || typeof reset !== 'boolean' || sessions === undefined) return undefined;
  return { seq, reset, sessions };
}

export function readTransition(value: unknown): Transition | undefined {
  if (!isJsonRecord(value)) return undefined;
  const { seq, at, kind, session, agentType, tenant, state, missedBeats, by } = value;
  const { maxMissedBeats } = value;
  if (!isCount(seq) || typeof at !== 'string' || !isKind(kind)) return undefined;
  if (typeof session !== 'string' || typeof agentType !== 'string') return undefined;
  if (typeof tenant !== 'string' || !isState(state) || !isCount(missedBeats)) return undefined;
  if (by !== undefined && !isActor(by)) return undefined;
  if (maxMissedBeats !== undefined && !isPositive(maxMissedBeats)) return undefined;
  const reason = optionalString(value, 'reason');
  const status = optionalString(value, 'status');
  if (reason === false || status === false) return undefined;
  const out: Transition = { seq, at, kind, session, agentType, tenant, state, missedBeats };
  if (maxMissedBeats !== undefined) out.maxMissedBeats = maxMissedBeats;
  if (by !== undefined) out.by = by;
  if (reason !== undefined) out.reason = reason;
  if (status !== undefined) out.status = status;
  return out;
}

/**
 * An acknowledgement: the record of an `{ok: true, ...}` ack, or the `PulsegateError` of
 * an `{ok: false, error}` one (`internal` when the ack is malformed).
 */
export function readAck(value: unknown): JsonRecord | PulsegateError {
  if (!isJsonRecord(value)) return new PulsegateError('internal', 'malformed acknowledgement');
  if (value['ok'] === true) return value;
  const error = value['error'];
  if (value['ok'] === false && isJsonRecord(error)) {
    const { code, message } = error;
    if (isErrorCode(code)) {
      return new PulsegateError(code, typeof message === 'string' ? message : code);
    }
  }
  return new PulsegateError('internal', 'malformed acknowledgement');
}
