import { isAgentType, isSessionId, isShortText, isTenant } from '../../shared/limits.js';
import { isJsonRecord, parseJson, unknownKey } from '../../shared/record.js';
import {
  ACTORS,
  SESSION_STATES,
  TRANSITION_KINDS,
  type Actor,
  type Transition,
} from '../../shared/session.js';
import { stamp } from '../dashboards/event-log.js';
import { makeRecord, type SessionRecord } from '../monitor/record.js';
import type { MonitorTransition } from '../monitor/types.js';

/**
 * Encodings of what the cluster keeps in Redis. Redis is shared infrastructure, so what
 * comes back is decoded with total guards like any other input: a malformed value is
 * `undefined`, never a cast.
 */

type Tuple = [
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
  Actor | null,
  string | null,
  number | null,
  string | null,
];

/** A session (record and L) as a compact JSON array (field names would double its size). */
export function encodeRecord(r: SessionRecord, lastBeat: number): string {
  const p = r.pause;
  const tuple: Tuple = [
    r.id,
    r.tenant,
    r.agentType,
    r.policy.timeoutMs,
    r.policy.checkIntervalMs,
    r.policy.maxMissedBeats,
    r.registeredAt,
    lastBeat,
    r.missedBeats,
    r.connected ? 1 : 0,
    p === undefined ? null : p.by,
    p?.reason ?? null,
    p === undefined ? null : p.at,
    r.status ?? null,
  ];
  return JSON.stringify(tuple);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isPositive = (v: unknown): v is number => isInt(v) && v > 0;
const isCount = (v: unknown): v is number => isInt(v) && v >= 0;
function isActor(v: unknown): v is Actor {
  return typeof v === 'string' && (ACTORS as readonly string[]).includes(v);
}
const textOrNull = (v: unknown): v is string | null => v === null || isShortText(v);

/** The inverse of `encodeRecord`; `undefined` for anything it did not make. */
export function decodeRecord(
  text: string,
): { record: SessionRecord; lastBeat: number } | undefined {
  const parsed = parseJson(text);
  const v: unknown = parsed?.value;
  if (!Array.isArray(v) || v.length !== 14) return undefined;
  const a: readonly unknown[] = v;
  const [id, tenant, agentType, t, c, m, reg, lb, missed, con, by, reason, at, status] = a;
  if (!isSessionId(id) || !isTenant(tenant) || !isAgentType(agentType)) return undefined;
  if (!isPositive(t) || !isPositive(c) || !isPositive(m)) return undefined;
  if (!isCount(reg) || !isCount(lb) || !isCount(missed) || (con !== 0 && con !== 1))
    return undefined;
  if (!textOrNull(reason) || !textOrNull(status)) return undefined;
  let pause: SessionRecord['pause'];
  if (by !== null) {
    if (!isActor(by) || !isCount(at)) return undefined;
    pause = { by, reason: reason ?? undefined, at };
  } else if (at !== null || reason !== null) {
    return undefined;
  }
  const record = makeRecord(
    id,
    tenant,
    agentType,
    { timeoutMs: t, checkIntervalMs: c, maxMissedBeats: m },
    reg,
    missed,
    con === 1,
    pause,
    status ?? undefined,
  );
  return { record, lastBeat: lb };
}

const HEAD = '{"seq":0,';

/**
 * A transition encoded without its `seq`: the commit script prepends `{"seq":N,` once the
 * counter is incremented, so the bytes every node fans out are made exactly once.
 */
export function encodeTransitionTail(t: MonitorTransition): string {
  return JSON.stringify(stamp(t, 0)).slice(HEAD.length);
}

const TRANSITION_KEYS: ReadonlySet<string> = new Set([
  'seq',
  'at',
  'kind',
  'session',
  'agentType',
  'tenant',
  'state',
  'missedBeats',
  'maxMissedBeats',
  'by',
  'reason',
  'status',
]);

function oneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

/** Decodes a transition read back from the event stream. */
export function decodeTransition(text: string): Transition | undefined {
  const v: unknown = parseJson(text)?.value;
  if (!isJsonRecord(v) || unknownKey(v, TRANSITION_KEYS) !== undefined) return undefined;
  const { seq, at, kind, session, agentType, tenant, state, missedBeats, by, reason, status } = v;
  if (!isPositive(seq) || typeof at !== 'string' || !oneOf(TRANSITION_KINDS, kind))
    return undefined;
  if (!isSessionId(session) || !isAgentType(agentType) || !isTenant(tenant)) return undefined;
  if (!oneOf(SESSION_STATES, state) || !isCount(missedBeats)) return undefined;
  const out: Transition = { seq, at, kind, session, agentType, tenant, state, missedBeats };
  const m = v['maxMissedBeats'];
  if (m !== undefined) {
    if (!isPositive(m)) return undefined;
    out.maxMissedBeats = m;
  }
  if (by !== undefined) {
    if (!isActor(by)) return undefined;
    out.by = by;
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') return undefined;
    out.reason = reason;
  }
  if (status !== undefined) {
    if (typeof status !== 'string') return undefined;
    out.status = status;
  }
  return out;
}
