import type { ServerResponse } from 'node:http';
import { HTTP_STATUS, PulsegateError } from '../../shared/errors.js';

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Writes the contract's error body `{"error":{"code","message"}}` with the status of its
 * code. Anything that is not a `PulsegateError` is an `internal` error whose detail stays
 * in the log.
 */
export function sendError(
  res: ServerResponse,
  err: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const error =
    err instanceof PulsegateError ? err : new PulsegateError('internal', 'internal error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (error.code === 'unauthorized') res.setHeader('www-authenticate', 'Bearer');
  sendJson(res, HTTP_STATUS[error.code], { error: error.toJSON() });
}

/** A 204. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}
