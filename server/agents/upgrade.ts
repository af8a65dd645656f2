import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { readBearer } from '../auth/bearer.js';
import { HTTP_STATUS, PulsegateError, type ErrorCode } from '../../shared/errors.js';
import { refuseUpgrade } from '../upgrades.js';

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

/**
 * Answers a refused agent upgrade. The body is generic (the code only): the detail is for
 * the log, never for the peer.
 */
export function refuseAgentUpgrade(socket: Duplex, code: ErrorCode): void {
  refuseUpgrade(socket, HTTP_STATUS[code], code, code.replace('_', ' '));
}

/**
 * Any failure of verification becomes a contract code: unknown errors are `unauthorized`.
 * The agent upgrade, an agent's refresh and the dashboard handshake all map through it.
 */
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
