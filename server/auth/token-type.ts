/**
 * `typ` header values of tokens that grant access: RFC 7519's `JWT` and RFC 9068's
 * `at+jwt` (with or without `application/`), compared case-insensitively; no `typ` at all
 * is fine too. A token typed for another purpose (`dpop+jwt`, `logout+jwt`, `secevent+jwt`)
 * and signed by the same issuer must not open a connection (RFC 8725, section 3.11).
 */
const ACCESS_TYPES: ReadonlySet<string> = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/**
 * True when a token with this `typ` may be used as an access token.
 *
 * @example
 * ```ts
 * isAccessTokenType(protectedHeader.typ); // false for 'dpop+jwt'
 * ```
 */
export function isAccessTokenType(typ: unknown): boolean {
  return typ === undefined || (typeof typ === 'string' && ACCESS_TYPES.has(typ.toLowerCase()));
}
