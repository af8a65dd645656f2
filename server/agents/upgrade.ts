import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { readBearer } from '../auth/bearer.js';
import { HTTP_STATUS, PulsegateError, type ErrorCode } from '../../shared/errors.js';

/**
 * The token of an upgrade request: `Authorization: Bearer <jwt>` first, else the
 * `?token=` query parameter that browsers must use (they cannot set headers on a
 * WebSocket).
 */
export function readUpgradeToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) return readBearer(header);
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  const token = new URLSearchParams(url.slice(query + 1)).get('token');
  return token === null || token === '' ? undefined : token;
}

/** The request path without its query string: what may be logged (tokens ride in the query). */
export function redactedPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Answers a refused upgrade with a plain HTTP response and closes the socket. The body is
 * generic (the code only): the detail is for the log, never for the peer.
 */
export function refuseUpgrade(socket: Duplex, code: ErrorCode): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = HTTP_STATUS[code];
  const body = JSON.stringify({ error: { code, message: code.replace('_', ' ') } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}

/** Any failure of verification becomes a contract code: unknown errors are `unauthorized`. */
export function refusalCode(error: unknown): ErrorCode {
  if (error instanceof PulsegateError) {
    if (error.code === 'unavailable' || error.code === 'forbidden') return error.code;
  }
  return 'unauthorized';
}

/**
 * Runs `work` with a deadline: a verifier stuck on a remote key set must not hold an
 * upgrade open forever. On expiry it rejects with `unavailable` (503).
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PulsegateError('unavailable', 'handshake timed out')), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
