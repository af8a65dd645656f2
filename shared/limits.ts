/** Limits the contract fixes; both sides check them. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const AGENT_TYPE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Tenants use the session alphabet. */
export const TENANT_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const DEFAULT_TENANT = 'default';
export const MAX_TEXT_LENGTH = 256;
/** Largest agent frame, HTTP body and dashboard packet, in bytes. */
export const MAX_FRAME_BYTES = 16 * 1024;

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

export function isAgentType(value: unknown): value is string {
  return typeof value === 'string' && AGENT_TYPE_PATTERN.test(value);
}

export function isTenant(value: unknown): value is string {
  return typeof value === 'string' && TENANT_PATTERN.test(value);
}

/**
 * The number of characters (Unicode code points) of `text`: a character outside the Basic
 * Multilingual Plane (an emoji, some CJK) is two UTF-16 code units of `length`, and the
 * contract's limits count characters. A lone surrogate counts as one.
 */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** `text` cut to its first `max` characters (code points, see `characterCount`). */
export function clipText(text: string, max: number): string {
  // Every character is one or two code units: no cut below `max` units, none past 2 max.
  if (text.length <= max) return text;
  let end = 0;
  for (let kept = 0; kept < max && end < text.length; kept++) {
    const unit = text.charCodeAt(end);
    const next = text.charCodeAt(end + 1);
    end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** A string of at most `MAX_TEXT_LENGTH` characters (code points, not UTF-16 units). */
export function isShortText(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value.length <= MAX_TEXT_LENGTH) return true;
  return value.length <= 2 * MAX_TEXT_LENGTH && characterCount(value) <= MAX_TEXT_LENGTH;
}
