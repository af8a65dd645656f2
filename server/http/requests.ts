import { PulsegateError } from '../../shared/errors.js';
import { isShortText, MAX_TEXT_LENGTH } from '../../shared/limits.js';
import { isJsonRecord, unknownKey } from '../../shared/record.js';

function invalid(message: string): PulsegateError {
  return new PulsegateError('invalid', message);
}

/** A body that is absent, or an object with only the `allowed` keys. */
function readRecord(body: unknown, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  if (body === undefined) return {};
  if (!isJsonRecord(body)) throw invalid('the body must be a JSON object');
  const extra = unknownKey(body, new Set(allowed));
  if (extra !== undefined) throw invalid(`unknown field ${JSON.stringify(extra.slice(0, 64))}`);
  return body;
}

function readText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isShortText(value))
    throw invalid(`${name} must be a string of at most ${MAX_TEXT_LENGTH} chars`);
  return value;
}

/** `POST /v1/sessions/:id/beat` body: `{status?}`. */
export function readBeatBody(body: unknown): { status?: string } {
  const status = readText(readRecord(body, ['status'])['status'], 'status');
  return status === undefined ? {} : { status };
}

/** `POST /v1/sessions/:id/pause` body: `{reason?}`. */
export function readPauseBody(body: unknown): { reason?: string } {
  const reason = readText(readRecord(body, ['reason'])['reason'], 'reason');
  return reason === undefined ? {} : { reason };
}

/** Bodies of routes that take none: absent or `{}`. */
export function readEmptyBody(body: unknown): void {
  readRecord(body, []);
}
