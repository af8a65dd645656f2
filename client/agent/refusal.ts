import { PulsegateError } from '../../shared/errors.js';
import { CloseCode } from '../../shared/close-codes.js';
import type { Transport } from './transport.js';

/**
 * The error a first `connect()` rejects with. Node reveals the HTTP status of a refused
 * upgrade; a browser does not (the socket just closes with 1006), so there the message
 * names every likely cause instead.
 */
export function refusalError(
  code: number,
  reason: string,
  refusedStatus: number | undefined,
  transport: Transport,
  cause: unknown,
): PulsegateError {
  const options = cause === undefined ? undefined : { cause };
  if (code === CloseCode.TokenExpired) {
    return new PulsegateError('unauthorized', reason === '' ? 'the token has expired' : reason);
  }
  if (refusedStatus === 401) {
    return new PulsegateError('unauthorized', 'the gateway refused the token (401)', options);
  }
  if (refusedStatus === 403) {
    return new PulsegateError(
      'forbidden',
      'the gateway refused the connection (403): the token lacks the agent scope, or the origin is not allowed',
      options,
    );
  }
  if (refusedStatus !== undefined) {
    return new PulsegateError('unavailable', `the gateway answered HTTP ${refusedStatus}`);
  }
  if (!transport.revealsStatus && code === 1006) {
    return new PulsegateError(
      'unavailable',
      'the connection closed before welcome: the gateway refused the token (401) or the origin (403), or it could not be reached (a browser does not tell which)',
      options,
    );
  }
  const detail = reason === '' ? `close code ${code}` : `${reason} (close code ${code})`;
  return new PulsegateError('unavailable', `could not connect: ${detail}`, options);
}
