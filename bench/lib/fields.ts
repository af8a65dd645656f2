import { isJsonRecord, type JsonRecord } from '../../shared/record.js';

/**
 * Readers for the JSON records the bench's own child processes send over IPC. They
 * throw on a malformed record: a bench with a broken child must stop, not report zeros.
 */
export function asRecord(value: unknown, what = 'message'): JsonRecord {
  if (!isJsonRecord(value)) throw new Error(`bench: ${what} is not a JSON object`);
  return value;
}

export function num(record: JsonRecord, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`bench: field ${key} is not a finite number`);
  }
  return value;
}

export function str(record: JsonRecord, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new Error(`bench: field ${key} is not a string`);
  return value;
}

export function numList(record: JsonRecord, key: string): number[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new Error(`bench: field ${key} is not a list`);
  const out: number[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'number') throw new Error(`bench: field ${key} holds a non-number`);
    out.push(item);
  }
  return out;
}

export function strList(record: JsonRecord, key: string): string[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new Error(`bench: field ${key} is not a list`);
  const out: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') throw new Error(`bench: field ${key} holds a non-string`);
    out.push(item);
  }
  return out;
}

/** A record of counters (string -> number), e.g. close codes seen. */
export function counts(record: JsonRecord, key: string): Record<string, number> {
  const value = asRecord(record[key], key);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}
