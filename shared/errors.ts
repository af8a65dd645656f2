/** Stable error codes. Messages may change; codes never do. */
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'internal';

/** The HTTP status of each error code: the one table every edge maps through. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

const CODES: ReadonlySet<string> = new Set(Object.keys(HTTP_STATUS));

/** A total guard for error codes received from a peer. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/**
 * The one error class of Pulsegate: every refusal carries a stable `code`.
 *
 * @example
 * ```ts
 * try { await dash.pause('s1'); } catch (e) {
 *   if (e instanceof PulsegateError && e.code === 'not_found') { ... }
 * }
 * ```
 */
export class PulsegateError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PulsegateError';
    this.code = code;
  }

  /** The wire form used in acks, error frames and HTTP bodies. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * What was thrown, as an `Error` (a promise is rejected with one, and a caught value is
 * `unknown`).
 *
 * @example
 * ```ts
 * try { read(); } catch (err) { reject(asError(err)); }
 * ```
 */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
