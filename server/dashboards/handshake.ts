import type { DashboardAuth } from '../../shared/dashboard.js';
import { PulsegateError } from '../../shared/errors.js';
import { isJsonRecord } from '../../shared/record.js';

/**
 * Decodes the Socket.IO handshake `auth` of a dashboard: `{token, since?}`. A missing or
 * empty token is `unauthorized`; a `since` that is not a non-negative integer is
 * `invalid` (`null` counts as absent, as clients that have not seen an event yet send it).
 * Other keys are ignored: Socket.IO clients may add their own (`pid`, `offset`).
 */
export function readDashboardAuth(value: unknown): DashboardAuth | PulsegateError {
  if (!isJsonRecord(value)) return new PulsegateError('unauthorized', 'no token');
  const token = value['token'];
  if (typeof token !== 'string' || token === '') {
    return new PulsegateError('unauthorized', 'no token');
  }
  const since = value['since'];
  if (since === undefined || since === null) return { token };
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    return new PulsegateError('invalid', 'since must be a non-negative integer');
  }
  return { token, since };
}

/**
 * The error a refused handshake gives: Socket.IO sends its message as the client's
 * `connect_error` message, so the message is the contract code and nothing more.
 */
export function handshakeError(code: PulsegateError['code']): Error & { data: { code: string } } {
  return Object.assign(new Error(code), { data: { code } });
}
