import { decodeRecord } from './codec.js';
import { recordWith, type SessionRecord } from '../monitor/record.js';
import type { SharedSession } from './store.js';

/**
 * Reads a session from the fields of its hash. The last beat is the later of the record's
 * and the latest flush's (`lb`); the status is the flush's when that flush is at least as
 * new as the record, since status text only changes with beats.
 */
export function storedSession(fields: ReadonlyMap<string, string>): SharedSession | undefined {
  const r = fields.get('r');
  const owner = fields.get('o');
  if (r === undefined || owner === undefined) return undefined;
  const decoded = decodeRecord(r);
  if (decoded === undefined) return undefined;
  return {
    ...withBeat(decoded, fields.get('lb'), fields.get('st')),
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

/** A record with L, the time of its last beat (the monitor keeps L beside the record). */
export interface Held {
  readonly record: SessionRecord;
  readonly lastBeat: number;
}

/** Applies a flushed beat (`lb`, `st`) to a session when it is at least as new. */
export function withBeat(held: Held, lb: string | undefined, st: string | undefined): Held {
  if (lb === undefined || lb === '' || st === undefined) return held;
  const at = Number(lb);
  if (!Number.isSafeInteger(at) || at < held.lastBeat) return held;
  const status = st.startsWith('=') ? st.slice(1, 257) : undefined;
  return { record: withStatus(held.record, status), lastBeat: at };
}

/** The record with another status text (the same record when it is unchanged). */
export function withStatus(r: SessionRecord, status: string | undefined): SessionRecord {
  return r.status === status ? r : recordWith(r, r.missedBeats, r.pause, status);
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
