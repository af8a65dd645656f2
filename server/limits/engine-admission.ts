import { ServerResponse, type IncomingMessage } from 'node:http';
import { refuseUpgrade } from '../upgrades.js';
import type { UpgradeAdmission } from './upgrade-admission.js';

type Next = (err?: unknown) => void;

/**
 * An Engine.IO middleware that applies the per-IP connection rate to Socket.IO
 * handshakes: a request that opens a new Engine.IO session (no `sid`) takes a token;
 * past the rate it is answered 429 with `Retry-After`, over HTTP (polling) or on the raw
 * socket (a WebSocket upgrade). Requests of an open session are not counted: a polling
 * client makes one every few seconds by design.
 *
 * @example
 * ```ts
 * io.engine.use(admissionMiddleware(admission));
 * ```
 */
export function admissionMiddleware(admission: UpgradeAdmission) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const sid = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('sid');
    if (sid !== null) return next();
    const wait = admission.admit(req);
    if (wait === 0) return next();
    const headers = { 'Retry-After': String(wait) };
    const message = 'too many connections from this address';
    // Engine.IO hands upgrades a stand-in response; the real socket is the request's.
    if (!(res instanceof ServerResponse)) {
      refuseUpgrade(req.socket, 429, 'rate_limited', message, headers);
      return;
    }
    const body = JSON.stringify({ error: { code: 'rate_limited', message } });
    res.writeHead(429, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(body);
  };
}
