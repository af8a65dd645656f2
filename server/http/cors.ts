import type { IncomingMessage, ServerResponse } from 'node:http';
import { PulsegateError } from '../../shared/errors.js';
import type { OriginPolicy } from '../context.js';

const ALLOW_METHODS = 'GET, POST, DELETE';
const ALLOW_HEADERS = 'authorization, content-type';

/**
 * Cross-origin access to the HTTP API under `PULSEGATE_ALLOWED_ORIGINS`: a browser origin
 * outside the list is refused (403); an allowed one gets CORS headers, so a dashboard
 * served elsewhere can call the API. Tokens travel in `Authorization`, never in cookies,
 * so no credentials mode is offered. A request with no `Origin` is not a browser's.
 *
 * Returns true when the request was a preflight and has been answered.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: OriginPolicy,
): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (!origins.isAllowed(origin)) throw new PulsegateError('forbidden', 'origin not allowed');
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': ALLOW_METHODS,
    'access-control-allow-headers': ALLOW_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
