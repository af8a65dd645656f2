/**
 * A value as an error message shows it: JSON, cut to 64 characters, so that a refusal says
 * what it refused without repeating a whole document (or a secret: never pass one).
 *
 * @example
 * ```ts
 * showValue('0'); // '"0"'
 * showValue(0); // '0'
 * ```
 */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
