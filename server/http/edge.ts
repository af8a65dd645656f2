import type { RequestListener, Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { GatewayContext } from '../context.js';
import type { PrometheusMetrics } from '../metrics.js';
import { DashboardPage } from './page.js';
import { packageRoot } from './package-root.js';
import { RateLimiter } from './rate-limit.js';
import { createRouter } from './router.js';
import { createSessionRoutes } from './sessions.js';

/** Most HTTP callers whose rate is tracked at once. */
const MAX_RATE_KEYS = 10_000;

export interface HttpEdgeOptions {
  readonly metrics: PrometheusMetrics;
  readonly storeReady: () => boolean;
  readonly closing: () => boolean;
  readonly sdkDir?: string | undefined;
  readonly pageDir?: string | undefined;
}

/**
 * Installs the HTTP edge as the server's request listener. Listeners the server already
 * had (an application's) keep every path the gateway does not serve, `/` included.
 * Must run before Socket.IO attaches: engine.io wraps the listeners present then.
 */
export function installHttpEdge(
  server: HttpServer,
  ctx: GatewayContext,
  options: HttpEdgeOptions,
): void {
  const { monitor, verifier, limits, clock } = ctx;
  const foreign = server.listeners('request');
  const fallback: RequestListener | undefined =
    foreign.length === 0
      ? undefined
      : (req, res) => {
          for (const listener of foreign) listener.call(server, req, res);
        };
  const root = packageRoot();
  const sessions = createSessionRoutes({
    monitor,
    verifier,
    metrics: options.metrics,
    maxBodyBytes: limits.maxPayloadBytes,
    rateLimiter: new RateLimiter({
      ratePerSecond: limits.httpRatePerSecond,
      burst: limits.httpRateBurst,
      maxKeys: MAX_RATE_KEYS,
      clock,
    }),
  });
  const router = createRouter({
    sessions,
    page: new DashboardPage(options.pageDir ?? (root && join(root, 'dist', 'dashboard'))),
    sdkDir: options.sdkDir ?? (root && join(root, 'dist', 'browser')),
    metrics: options.metrics,
    storeReady: options.storeReady,
    closing: options.closing,
    maxBodyBytes: limits.maxPayloadBytes,
    log: ctx.log.child({ edge: 'http' }),
    origins: ctx.origins,
    fallback,
  });
  server.removeAllListeners('request');
  server.on('request', router);
}
