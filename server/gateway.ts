import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAgentEndpoint } from './agents/index.js';
import type { TokenVerifier } from './auth/principal.js';
import { createTokenVerifier } from './auth/verifier.js';
import { resolveConfig } from './config/load.js';
import { resolveLimits } from './config/limits.js';
import type { GatewayConfig } from './config/settings.js';
import type { GatewayContext, Limits } from './context.js';
import { attachDashboards } from './dashboards/index.js';
import { announceDevMode, makeDevSecret } from './dev-mode.js';
import type { EventLog } from './edges.js';
import { installHttpEdge } from './http/edge.js';
import { UpgradeAdmission } from './limits/upgrade-admission.js';
import { createOwnServer, listen } from './listen.js';
import { createLogger } from './log.js';
import { createMetrics, type PrometheusMetrics } from './metrics.js';
import { systemClock } from './monitor/clock.js';
import { HeartbeatMonitor } from './monitor/monitor.js';
import { joinClusterFromConfig } from './cluster/from-config.js';
import type { SessionStore } from './monitor/store.js';
import type { Clock, Monitor } from './monitor/types.js';
import { createOriginPolicy } from './origins.js';
import { createShutdown } from './shutdown.js';
import { createUpgradeRouter } from './upgrades.js';

export interface GatewayOptions {
  /**
   * Settings, camelCase as in the `PULSEGATE_CONFIG` file (`loadConfig()`'s result is
   * valid); the rest take their defaults. No key set: dev mode.
   */
  readonly config?: Partial<GatewayConfig>;
  /** Attach to this server (as Socket.IO does) instead of creating and listening. */
  readonly server?: HttpServer;
  readonly logger?: Logger;
  /** Resource limits; each missing one takes `DEFAULT_LIMITS`. */
  readonly limits?: Partial<Limits>;
  readonly clock?: Clock;
  /** Where sessions are kept (default: in memory). */
  readonly store?: SessionStore;
  /** False while the store cannot be reached: `/readyz` answers 503. */
  readonly storeReady?: () => boolean;
  /** Replaces the verifier built from the configured keys. */
  readonly verifier?: TokenVerifier;
  /** Browser SDK bundles served at `/sdk/<file>` (default: the package's `dist/browser`). */
  readonly sdkDir?: string;
  /** The dashboard page served at `/` (default: the package's `dist/dashboard`). */
  readonly pageDir?: string;
}

/** A running gateway. */
export interface Gateway {
  readonly server: HttpServer;
  /** The monitor the edges use (in cluster mode, this node's view of the cluster). */
  readonly monitor: Monitor;
  /** Every transition, stamped with its `seq`, in process. */
  readonly events: EventLog;
  readonly config: GatewayConfig;
  readonly metrics: PrometheusMetrics;
  readonly log: Logger;
  /** The random secret of dev mode; `undefined` when a key is configured. */
  readonly devSecret: string | undefined;
  /** The bound address, once the server listens. */
  address(): AddressInfo | undefined;
  /** Graceful shutdown: 503 to newcomers, agents closed with 1001, dashboards told to reconnect. */
  close(): Promise<void>;
}

/** The server events the gateway, Engine.IO and the edges listen to. */
const SERVER_EVENTS = ['request', 'upgrade', 'listening', 'close'] as const;
type Listeners = ReadonlyMap<string, readonly ((...args: unknown[]) => void)[]>;

function listenersOf(server: HttpServer): Listeners {
  return new Map(
    SERVER_EVENTS.map((e) => [e, server.listeners(e) as ((...args: unknown[]) => void)[]]),
  );
}

/**
 * Undoes an attachment: removes every listener added since `before` (ours, Engine.IO's)
 * and puts back the ones the HTTP edge took over (the application's request listeners).
 */
function detacher(server: HttpServer, before: Listeners): () => void {
  const after = listenersOf(server);
  return () => {
    for (const event of SERVER_EVENTS) {
      const was = before.get(event) ?? [];
      const now = after.get(event) ?? [];
      for (const listener of now) if (!was.includes(listener)) server.off(event, listener);
      for (const listener of was) if (!now.includes(listener)) server.on(event, listener);
    }
  };
}

function hasKey(config: GatewayConfig): boolean {
  return (
    config.jwtSecret !== undefined ||
    config.jwtPublicKey !== undefined ||
    config.jwksUrl !== undefined
  );
}

/**
 * Starts a gateway: agents on `/v1/agent`, dashboards on the Socket.IO namespace
 * `/dashboard`, the HTTP API, metrics and the page, on one server.
 *
 * @example
 * ```ts
 * import { createGateway } from 'pulsegate/server';
 * const gateway = await createGateway({ config: { jwtSecret: process.env.SECRET, port: 0 } });
 * gateway.events.subscribe((t) => console.log(t.seq, t.kind, t.session));
 * console.log(gateway.address()?.port);
 * await gateway.close();
 * ```
 *
 * Attached to an application's server, the gateway handles its own paths and passes the
 * others to the listeners the server already had:
 * ```ts
 * const server = http.createServer(app);
 * const gateway = await createGateway({ server, config: { jwtSecret } });
 * server.listen(3000);
 * ```
 */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const config = resolveConfig(options.config ?? {});
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const devSecret = options.verifier === undefined && !hasKey(config) ? makeDevSecret() : undefined;
  if (devSecret !== undefined) {
    log.warn(
      'DEV MODE: no PULSEGATE_JWT_SECRET, PULSEGATE_JWT_PUBLIC_KEY or PULSEGATE_JWKS_URL is set. ' +
        'Tokens are signed with a random secret that dies with this process. Never run this in production.',
    );
  }
  const verifier =
    options.verifier ??
    (await createTokenVerifier({
      secret: config.jwtSecret ?? devSecret,
      publicKey: config.jwtPublicKey,
      jwksUrl: config.jwksUrl,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      clock,
    }));

  // PULSEGATE_REDIS_URL: cluster mode (docs/cluster.md); an explicit store stays local.
  const redisUrl = options.store === undefined ? config.redisUrl : undefined;
  const cluster =
    redisUrl === undefined
      ? undefined
      : await joinClusterFromConfig({ config: { ...config, redisUrl }, limits, log, clock });
  const monitor: Monitor =
    cluster?.monitor ??
    new HeartbeatMonitor({
      policy: {
        timeoutMs: config.timeoutMs,
        checkIntervalMs: config.checkIntervalMs,
        maxMissedBeats: config.maxMissedBeats,
      },
      policies: config.policies,
      maxPauseMs: config.maxPauseMs,
      clock,
      ...(options.store !== undefined ? { store: options.store } : {}),
      onError: (err, context) =>
        log.error({ err, source: context.source }, 'monitor handler failed'),
    });
  const metrics = createMetrics(() => monitor.countByState());
  const unsubscribe = monitor.subscribe((t) => {
    metrics.transition(t.kind);
    log.debug(
      { kind: t.kind, session: t.session, tenant: t.tenant, state: t.state, by: t.by },
      'transition',
    );
  });
  monitor.start();

  const admission = new UpgradeAdmission({
    ratePerSecond: limits.upgradeRatePerIp,
    burst: limits.upgradeBurstPerIp,
    clock,
  });
  const ctx: GatewayContext = {
    monitor,
    verifier,
    log,
    metrics,
    limits,
    clock,
    origins: createOriginPolicy(config.allowedOrigins),
    admission,
    ...(cluster !== undefined ? { events: cluster.events, ownership: cluster } : {}),
  };

  const attached = options.server !== undefined;
  const server = options.server ?? createOwnServer(limits);
  const foreignUpgrade = server.listenerCount('upgrade') > 0;
  const before = listenersOf(server);
  let closing = false;
  installHttpEdge(server, ctx, {
    metrics,
    storeReady: options.storeReady ?? cluster?.ready ?? (() => true),
    closing: () => closing,
    sdkDir: options.sdkDir,
    pageDir: options.pageDir,
  });
  // Engine.IO wraps the request listeners present when it attaches: ours must be first.
  const hub = attachDashboards(server, ctx);
  const agents = createAgentEndpoint(ctx);
  server.prependListener(
    'upgrade',
    createUpgradeRouter({ agents, closing: () => closing, foreign: foreignUpgrade, admission }),
  );

  const address = (): AddressInfo | undefined => {
    const a = server.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  };
  const onListening = () => {
    const a = address();
    log.info({ host: a?.address ?? config.host, port: a?.port }, 'listening');
    if (devSecret !== undefined && a !== undefined) {
      const claims = { issuer: config.jwtIssuer, audience: config.jwtAudience };
      announceDevMode(log, devSecret, config.host, a.port, claims).catch((err: unknown) =>
        log.error({ err }, 'dev mode tokens could not be minted'),
      );
    }
  };
  if (attached) {
    if (server.listening) onListening();
    else server.once('listening', onListening);
  } else {
    try {
      await listen(server, config.port, config.host);
    } catch (err) {
      // Nothing may outlive a failed start: the edges, the core's timer, the sampler.
      await agents.shutdown(0);
      await hub.shutdown();
      unsubscribe();
      monitor.stop();
      metrics.close();
      await cluster?.close();
      throw err;
    }
    onListening();
  }

  // What the gateway (and Engine.IO for it) attached, to take off an application's server.
  const detach = detacher(server, before);
  const shutdown = createShutdown({
    log,
    server,
    ownsServer: !attached,
    spreadMs: limits.shutdownSpreadMs,
    begin: () => {
      closing = true;
      // No deadline fires while agents are being sent away: one closed early in the spread
      // is alive elsewhere by the time its timeout would be due here (a false `timeout`).
      monitor.stop();
    },
    agents,
    hub,
    end: () => {
      unsubscribe();
      monitor.stop();
      metrics.close();
    },
  });

  return {
    server,
    monitor,
    events: hub.events,
    config,
    metrics,
    log,
    devSecret,
    address,
    async close() {
      await shutdown();
      // The application's server is left as it was found: its own listeners, none of ours.
      if (attached) detach();
      await cluster?.close();
    },
  };
}
