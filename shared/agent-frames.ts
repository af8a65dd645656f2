import { PulsegateError } from './errors.js';
import { isShortText, MAX_TEXT_LENGTH } from './limits.js';
import { isJsonRecord, parseJson, unknownKey, type JsonRecord } from './record.js';

/** A frame an agent sends to the gateway, once decoded. */
export type AgentFrame =
  | { readonly type: 'beat'; readonly status?: string }
  | { readonly type: 'pause'; readonly reason?: string }
  | { readonly type: 'resume' }
  | { readonly type: 'refresh'; readonly token: string }
  | { readonly type: 'bye' };

export type AgentFrameType = AgentFrame['type'];

/** Longest token a `refresh` frame may carry (the frame limit bounds it anyway). */
const MAX_TOKEN_LENGTH = 8192;

const KEYS = {
  beat: new Set(['type', 'status']),
  pause: new Set(['type', 'reason']),
  resume: new Set(['type']),
  refresh: new Set(['type', 'token']),
  bye: new Set(['type']),
} as const;

function isFrameType(value: unknown): value is AgentFrameType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(KEYS, value);
}

function invalid(message: string): PulsegateError {
  return new PulsegateError('invalid', message);
}

function optionalText(record: JsonRecord, key: string): string | undefined | PulsegateError {
  const value = record[key];
  if (value === undefined) return undefined;
  if (!isShortText(value))
    return invalid(`${key} must be a string of at most ${MAX_TEXT_LENGTH} chars`);
  return value;
}

/** Decodes an already parsed agent frame. Total: returns an error for any bad input. */
export function readAgentFrame(value: unknown): AgentFrame | PulsegateError {
  if (!isJsonRecord(value)) return invalid('a frame is a JSON object');
  const t = value['type'];
  if (!isFrameType(t)) return invalid('unknown frame type');
  const extra = unknownKey(value, KEYS[t]);
  if (extra !== undefined) return invalid(`unknown field ${JSON.stringify(extra.slice(0, 64))}`);
  switch (t) {
    case 'beat': {
      const status = optionalText(value, 'status');
      if (status instanceof PulsegateError) return status;
      return status === undefined ? { type: t } : { type: t, status };
    }
    case 'pause': {
      const reason = optionalText(value, 'reason');
      if (reason instanceof PulsegateError) return reason;
      return reason === undefined ? { type: t } : { type: t, reason };
    }
    case 'refresh': {
      const token = value['token'];
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return invalid('token must be a non-empty string');
      }
      return { type: t, token };
    }
    case 'resume':
    case 'bye':
      return { type: t };
  }
}

/**
 * Decodes one text frame from an agent.
 *
 * @example
 * ```ts
 * const frame = decodeAgentFrame('{"type":"beat","status":"step 3"}');
 * if (frame instanceof PulsegateError) sendError(frame); else handle(frame);
 * ```
 */
export function decodeAgentFrame(text: string): AgentFrame | PulsegateError {
  const parsed = parseJson(text);
  if (parsed === undefined) return invalid('a frame is JSON text');
  return readAgentFrame(parsed.value);
}

/** The frames an SDK sends, encoded. */
export function encodeAgentFrame(frame: AgentFrame): string {
  return JSON.stringify(frame);
}
