import { decodeRecord } from './codec.js';
import { fieldMap, storedSession, withBeat } from './stored.js';
import type { OpResult, Reaped, StoreOp, StoredEvent, SharedSession } from './store.js';

/** Decoders of the Lua scripts' replies (lua.ts). A reply they do not know throws. */

function count(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('malformed script reply');
  return n;
}

function list(reply: unknown): readonly unknown[] {
  if (!Array.isArray(reply)) throw new Error('malformed script reply');
  return reply;
}

export function decodeResult(kind: StoreOp['kind'], reply: unknown): OpResult {
  if (kind === 'flush') return { status: 'flushed', skipped: count(reply) };
  const r = list(reply);
  switch (r[0]) {
    case 'ok':
    case 'dup':
      return {
        status: r[0],
        epoch: count(r[1]),
        version: count(r[2]),
        seqs: r.slice(3).map(count),
      };
    case 'stale':
      return { status: 'stale', current: storedSession(fieldMap(r, 1)) };
    case 'fenced':
      return {
        status: 'fenced',
        owner: typeof r[1] === 'string' && r[1] !== '' ? r[1] : undefined,
        reaped: r[2] !== '0',
      };
    default:
      throw new Error('malformed script reply');
  }
}

export function decodeReaped(reply: unknown): Reaped | undefined {
  const r = list(reply);
  const dead = r[0];
  if (typeof dead !== 'string') return undefined;
  const sessions: SharedSession[] = [];
  for (let i = 1; i + 5 <= r.length; i += 5) {
    const [rec, e, v, lb, st] = r.slice(i, i + 5);
    if (typeof rec !== 'string') continue;
    const decoded = decodeRecord(rec);
    if (decoded === undefined) continue;
    sessions.push({
      ...withBeat(
        decoded,
        typeof lb === 'string' ? lb : undefined,
        typeof st === 'string' ? st : undefined,
      ),
      owner: '',
      epoch: count(e),
      version: count(v),
    });
  }
  return { dead, sessions };
}

/** One XRANGE entry: `[id, [field, value, ...]]`. */
export function decodeEvent(entry: unknown): StoredEvent | undefined {
  if (!Array.isArray(entry) || entry.length !== 2) return undefined;
  const parts: readonly unknown[] = entry;
  const [id, flat] = parts;
  if (typeof id !== 'string' || !Array.isArray(flat)) return undefined;
  const seq = Number(id.slice(0, id.indexOf('-')));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  const f = fieldMap(flat);
  const encoded = f.get('t');
  if (encoded === undefined) return undefined;
  const a = f.get('a');
  let after: StoredEvent['after'];
  if (a === '') after = null;
  else if (a !== undefined) {
    const decoded = decodeRecord(a);
    after =
      decoded === undefined
        ? undefined
        : {
            ...decoded,
            owner: f.get('o') ?? '',
            epoch: Number(f.get('e') ?? 0) || 0,
            version: seq,
          };
  }
  return { seq, encoded, after };
}
