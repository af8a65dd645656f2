/**
 * Total guards for untrusted JSON: nothing here throws, and nothing is cast.
 * A record is a plain object whose keys are all allowed; `__proto__`, `constructor`
 * and `prototype` are refused wherever they stand.
 */
export type JsonRecord = Readonly<Record<string, unknown>>;

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isJsonRecord(value: unknown): value is JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns the name of the first key that is not allowed, or `undefined` when every key
 * is one of `allowed`.
 */
export function unknownKey(record: JsonRecord, allowed: ReadonlySet<string>): string | undefined {
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key) || !allowed.has(key)) return key;
  }
  return undefined;
}

/** Parses JSON text; `undefined` when it is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A list of strings each accepted by `item`, at most `max` long; `undefined` otherwise. */
export function readStringList(
  value: unknown,
  item: (v: unknown) => v is string,
  max: number,
): string[] | undefined {
  if (!Array.isArray(value) || value.length > max) return undefined;
  const out: string[] = [];
  for (const v of value as unknown[]) {
    if (!item(v)) return undefined;
    out.push(v);
  }
  return out;
}
