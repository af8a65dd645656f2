import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { PulsegateError } from '../../shared/errors.js';
import { redactUrl } from '../log.js';
import { pathOf } from '../upgrades.js';
import type { OriginPolicy } from '../context.js';
import { checkDeclaredLength } from './body.js';
import { applyCors } from './cors.js';
import type { DashboardPage } from './page.js';
import { sendError, sendJson } from './respond.js';
import type { SessionRoutes } from './sessions.js';
import { serveFile } from './static-files.js';

/** What the HTTP edge needs besides the session routes. */
export interface RouterDeps {
  readonly sessions: SessionRoutes;
  readonly page: DashboardPage;
  /** Where the browser SDK bundles are (`/sdk/<file>`). */
  readonly sdkDir: string | undefined;
  readonly metrics: { scrape(): Promise<string>; readonly contentType: string };
  /** False while the store is unreachable. */
  readonly storeReady: () => boolean;
  /** True once shutdown began: every request but `/healthz` gets 503. */
  readonly closing: () => boolean;
  readonly maxBodyBytes: number;
  readonly log: Logger;
  /** Browser origins allowed to call the API (`/v1/...`). */
  readonly origins: OriginPolicy;
  /**
   * The listener(s) the server had before the gateway attached: paths the gateway does
   * not know go there instead of a 404, and so does `GET /`.
   */
  readonly fallback?: RequestListener | undefined;
}

const SESSIONS_PREFIX = '/v1/sessions/';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
/** Handlers of one path, by method. */
type Methods = Readonly<Partial<Record<string, Handler>>>;

function decodeSegment(segment: string): string | undefined {
  // Most ids have nothing to decode: no exception frame for them.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The request listener of contract section 6: one table from path to methods, 404 for an
 * unknown path, 405 with `Allow` for a known path and another method.
 */
export function createRouter(deps: RouterDeps): RequestListener {
  const { sessions, page } = deps;

  function route(path: string): Methods | undefined {
    switch (path) {
      case '/healthz':
        return { GET: (_q, res) => sendJson(res, 200, { status: 'ok' }) };
      case '/readyz':
        return {
          GET: (_q, res) => {
            if (deps.closing()) throw new PulsegateError('unavailable', 'shutting down');
            if (!deps.storeReady())
              throw new PulsegateError('unavailable', 'the store is unreachable');
            sendJson(res, 200, { status: 'ready' });
          },
        };
      case '/metrics':
        return {
          GET: async (_q, res) => {
            const text = await deps.metrics.scrape();
            res.writeHead(200, {
              'content-type': deps.metrics.contentType,
              'cache-control': 'no-store',
            });
            res.end(text);
          },
        };
      case '/':
        return deps.fallback === undefined ? { GET: (_q, res) => page.serveIndex(res) } : undefined;
      case '/v1/sessions':
        return { GET: (req, res) => sessions.list({ req, res, id: undefined }) };
    }
    if (path.startsWith(SESSIONS_PREFIX)) return sessionRoute(path.slice(SESSIONS_PREFIX.length));
    const parts = path.split('/');
    if (parts.length === 3 && parts[1] === 'sdk' && deps.sdkDir !== undefined) {
      const dir = deps.sdkDir;
      const name = decodeSegment(parts[2] ?? '');
      if (name !== undefined) return { GET: (_q, res) => serveFile(res, dir, name) };
    }
    if (parts.length === 2 && page.hasAsset(parts[1] ?? '')) {
      const name = parts[1] ?? '';
      return { GET: (_q, res) => page.serveAsset(res, name) };
    }
    return undefined;
  }

  /** `:id` or `:id/:action` under `/v1/sessions/`, without splitting the whole path. */
  function sessionRoute(rest: string): Methods | undefined {
    const slash = rest.indexOf('/');
    const action = slash < 0 ? undefined : rest.slice(slash + 1);
    if (action?.includes('/') === true) return undefined;
    const id = decodeSegment(slash < 0 ? rest : rest.slice(0, slash));
    if (id === undefined || id === '') return undefined;
    if (action === undefined) {
      return {
        GET: (req, res) => sessions.get({ req, res, id }),
        DELETE: (req, res) => sessions.remove({ req, res, id }),
      };
    }
    switch (action) {
      case 'beat':
        return { POST: (req, res) => sessions.beat({ req, res, id }) };
      case 'pause':
        return { POST: (req, res) => sessions.pause({ req, res, id }) };
      case 'resume':
        return { POST: (req, res) => sessions.resume({ req, res, id }) };
    }
    return undefined;
  }

  // Not `async`: a request answered at once (a probe, a refusal) makes no promise here,
  // and a handler's own promise is caught below without another one around it.
  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const path = pathOf(req.url);
    const methods = route(path);
    // The application's own paths stay the application's, even while the gateway closes.
    if (methods === undefined && deps.fallback !== undefined) {
      deps.fallback(req, res);
      return;
    }
    if (deps.closing() && path !== '/healthz') {
      res.setHeader('connection', 'close');
      throw new PulsegateError('unavailable', 'the gateway is shutting down');
    }
    if (methods === undefined) throw new PulsegateError('not_found', 'no such route');
    if (path.startsWith('/v1/') && applyCors(req, res, deps.origins)) return;
    const method = req.method ?? 'GET';
    const handler = methods[method] ?? (method === 'HEAD' ? methods['GET'] : undefined);
    if (handler === undefined) {
      const allowed = Object.keys(methods);
      if (allowed.includes('GET')) allowed.push('HEAD');
      // 405 has no code of its own in the contract: the body says `invalid`.
      res.setHeader('allow', allowed.join(', '));
      sendJson(res, 405, { error: { code: 'invalid', message: `${method} is not allowed here` } });
      return;
    }
    checkDeclaredLength(req, deps.maxBodyBytes);
    return handler(req, res);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const code = err instanceof PulsegateError ? err.code : 'internal';
    if (code === 'internal') {
      deps.log.error({ err, method: req.method, url: redactUrl(req.url) }, 'request failed');
    } else {
      deps.log.debug(
        { code, detail: detailOf(err), method: req.method, url: redactUrl(req.url) },
        'request refused',
      );
    }
    // A refused body is not read: close the connection rather than drain it.
    if (code === 'too_large') res.setHeader('connection', 'close');
    sendError(res, err);
  }

  return (req, res) => {
    let pending: Promise<void> | void;
    try {
      pending = handle(req, res);
    } catch (err) {
      refuse(req, res, err);
      return;
    }
    pending?.catch((err: unknown) => refuse(req, res, err));
  };
}

/** What the log may say about a refusal: the message, and a jose error's code (never the token). */
function detailOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause: unknown = err.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? ` (${cause.code})`
      : '';
  return `${err.message}${code}`;
}
