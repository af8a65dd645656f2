import { decodeRecord } from './codec.js';
import { makeRecord } from '../monitor/record.js';
import type { StoredSession } from './store.js';

/**
 * Reads a session from the fields of its hash. The last beat is the later of the record's
 * and the latest flush's (`lb`); the status is the flush's when that flush is at least as
 * new as the record, since status text only changes with beats.
 */
export function storedSession(fields: ReadonlyMap<string, string>): StoredSession | undefined {
  const r = fields.get('r');
  const owner = fields.get('o');
  if (r === undefined || owner === undefined) return undefined;
  const record = decodeRecord(r);
  if (record === undefined) return undefined;
  return {
    record: withBeat(record, fields.get('lb'), fields.get('st')),
    owner,
    epoch: toCount(fields.get('e')),
    version: toCount(fields.get('v')),
  };
}

function toCount(text: string | undefined): number {
  const n = text === undefined ? 0 : Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** `st` as flushed: '' for no status, '=' followed by the text otherwise. */
export function encodeStatus(status: string | undefined): string {
  return status === undefined ? '' : `=${status}`;
}

/** Applies a flushed beat (`lb`, `st`) to a record when it is at least as new. */
export function withBeat(
  record: StoredSession['record'],
  lb: string | undefined,
  st: string | undefined,
): StoredSession['record'] {
  if (lb === undefined || lb === '' || st === undefined) return record;
  const at = Number(lb);
  if (!Number.isSafeInteger(at) || at < record.lastBeat) return record;
  const status = st.startsWith('=') ? st.slice(1, 257) : undefined;
  return makeRecord(
    record.id,
    record.tenant,
    record.agentType,
    record.policy,
    record.registeredAt,
    at,
    record.missedBeats,
    record.connected,
    record.pause,
    status,
  );
}

/** A flat HGETALL reply (field, value, ...) as a map; non-strings are dropped. */
export function fieldMap(flat: readonly unknown[], from = 0): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = from; i + 1 < flat.length; i += 2) {
    const k = flat[i];
    const v = flat[i + 1];
    if (typeof k === 'string' && typeof v === 'string') out.set(k, v);
  }
  return out;
}
