import type { IncomingMessage, ServerResponse } from 'node:http';
import { PulsegateError } from '../../shared/errors.js';
import type { SessionStatus } from '../../shared/session.js';
import { SCOPE } from '../auth/identity.js';
import type { Principal, TokenVerifier } from '../auth/principal.js';
import type { BeatVia } from '../context.js';
import type { Monitor } from '../monitor/types.js';
import { authenticate, authorizeSession, requireScope, type Access } from './access.js';
import { readJsonBody } from './body.js';
import type { RateLimiter } from './rate-limit.js';
import { readBeatBody, readEmptyBody, readPauseBody } from './requests.js';
import { sendJson, sendNoContent } from './respond.js';

/** What the `/v1/sessions` routes need. */
export interface SessionRoutesDeps {
  readonly monitor: Monitor;
  readonly verifier: TokenVerifier;
  readonly metrics: { beat(via: BeatVia): void };
  readonly rateLimiter: RateLimiter;
  readonly maxBodyBytes: number;
}

export interface SessionRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The decoded `:id`; `undefined` for the collection route. */
  readonly id: string | undefined;
}

function notFound(): PulsegateError {
  return new PulsegateError('not_found', 'no such session');
}

/** The session routes of contract section 6, each a small glue function over the monitor. */
export function createSessionRoutes(deps: SessionRoutesDeps) {
  const { monitor, verifier, rateLimiter, maxBodyBytes } = deps;

  /**
   * Each principal's rate-limit key, made once: the verifier hands out the same object
   * for a remembered token, so the usual request neither builds nor hashes a new string.
   */
  const rateKeys = new WeakMap<Principal, string>();

  function admit(principal: Principal): Principal {
    let key = rateKeys.get(principal);
    if (key === undefined) {
      key = `${principal.tenant}\u0000${principal.subject}`;
      rateKeys.set(principal, key);
    }
    rateLimiter.take(key);
    return principal;
  }

  /** The authenticated, rate-limited caller; at once when its token is remembered. */
  function caller(req: IncomingMessage): Principal | Promise<Principal> {
    const principal = authenticate(req, verifier);
    return principal instanceof Promise ? principal.then(admit) : admit(principal);
  }

  /**
   * The beat itself, once the caller is known: the body, the monitor, the answer. Not
   * `async` either: an authorization refusal is thrown at once, the rest is one `then`.
   */
  function beatAs(
    principal: Principal,
    req: IncomingMessage,
    res: ServerResponse,
    sid: string,
  ): Promise<void> {
    const access = authorizeSession(principal, sid, undefined);
    return readJsonBody(req, maxBodyBytes).then((body) => {
      const { status } = readBeatBody(body);
      const agentType = access.agentType ?? '';
      // `register` is a beat when the session exists, and registers it otherwise.
      monitor.register(sid, agentType, {
        tenant: access.tenant,
        ...(status !== undefined ? { status } : {}),
      });
      deps.metrics.beat('http');
      sendJson(res, 200, statusOf(sid, access));
    });
  }

  function statusOf(id: string, access: Access): SessionStatus {
    const status = monitor.getStatus(id, { tenant: access.tenant });
    if (status === undefined) throw notFound();
    return status;
  }

  function requireId(id: string | undefined): string {
    if (id === undefined) throw notFound();
    return id;
  }

  return {
    async list({ req, res }: SessionRequest): Promise<void> {
      const access = requireScope(await caller(req), SCOPE.read);
      const sessions = monitor.listStatus({ tenant: access.tenant });
      let healthy = 0;
      for (const s of sessions) if (s.healthy) healthy += 1;
      sendJson(res, 200, { sessions, registered: sessions.length, healthy });
    },

    async get({ req, res, id }: SessionRequest): Promise<void> {
      const sid = requireId(id);
      const access = authorizeSession(await caller(req), sid, SCOPE.read);
      sendJson(res, 200, statusOf(sid, access));
    },

    // Not `async`: the hot route of an HTTP agent hops through no promise it does not need.
    beat({ req, res, id }: SessionRequest): Promise<void> {
      const sid = requireId(id);
      const who = caller(req);
      return who instanceof Promise
        ? who.then((principal) => beatAs(principal, req, res, sid))
        : beatAs(who, req, res, sid);
    },

    async pause({ req, res, id }: SessionRequest): Promise<void> {
      const sid = requireId(id);
      const access = authorizeSession(await caller(req), sid, SCOPE.control);
      const { reason } = readPauseBody(await readJsonBody(req, maxBodyBytes));
      const ok = monitor.pause(sid, {
        tenant: access.tenant,
        by: 'api',
        ...(reason !== undefined ? { reason } : {}),
      });
      if (!ok && monitor.getStatus(sid, { tenant: access.tenant }) === undefined) throw notFound();
      sendJson(res, 200, statusOf(sid, access));
    },

    async resume({ req, res, id }: SessionRequest): Promise<void> {
      const sid = requireId(id);
      const access = authorizeSession(await caller(req), sid, SCOPE.control);
      readEmptyBody(await readJsonBody(req, maxBodyBytes));
      statusOf(sid, access);
      // False also when the session is not paused: resuming a running session is a no-op.
      monitor.resume(sid, { tenant: access.tenant, by: 'api' });
      sendJson(res, 200, statusOf(sid, access));
    },

    async remove({ req, res, id }: SessionRequest): Promise<void> {
      const sid = requireId(id);
      const access = authorizeSession(await caller(req), sid, SCOPE.control);
      readEmptyBody(await readJsonBody(req, maxBodyBytes));
      if (!monitor.unregister(sid, { tenant: access.tenant, by: 'api' })) throw notFound();
      sendNoContent(res);
    },
  };
}

export type SessionRoutes = ReturnType<typeof createSessionRoutes>;
