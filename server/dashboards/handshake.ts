import { PulsegateError } from '../../shared/errors.js';
import { isJsonRecord } from '../../shared/record.js';

/**
 * A dashboard's handshake, decoded. `since` is `unusable` when it was given but is not a
 * non-negative integer: like a `since` whose events are gone, it gets a full snapshot with
 * `reset: true` (the contract's answer to a `since` that cannot be honoured).
 */
export interface HandshakeAuth {
  readonly token: string;
  readonly since: number | 'unusable' | undefined;
}

/**
 * Decodes the Socket.IO handshake `auth` of a dashboard: `{token, since?}`. A missing or
 * empty token is `unauthorized`; `null` counts as no `since`, as clients that have not
 * seen an event yet send it. Other keys are ignored: Socket.IO clients may add their own
 * (`pid`, `offset`).
 */
export function readDashboardAuth(value: unknown): HandshakeAuth | PulsegateError {
  if (!isJsonRecord(value)) return new PulsegateError('unauthorized', 'no token');
  const token = value['token'];
  if (typeof token !== 'string' || token === '') {
    return new PulsegateError('unauthorized', 'no token');
  }
  const since = value['since'];
  if (since === undefined || since === null) return { token, since: undefined };
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    return { token, since: 'unusable' };
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
