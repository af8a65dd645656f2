import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import { afterEach } from 'vitest';
import { mintToken } from '../../server/auth/mint.js';
import type { GatewayConfig } from '../../server/config/settings.js';
import type { Limits } from '../../server/context.js';
import { createGateway, type Gateway } from '../../server/gateway.js';
import type { SessionStore } from '../../server/monitor/store.js';

/** A real gateway on 127.0.0.1 for the SDK's integration tests. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly port: number;
  readonly wsUrl: string;
  readonly httpUrl: string;
  close(): Promise<void>;
}

export const SECRET = randomBytes(32).toString('hex');

/**
 * A short timeout (1,200 ms: the SDK beats every 400 ms) keeps every case to a few seconds,
 * with room for a loaded CI machine's stalls.
 */
export const FAST = { timeoutMs: 1_200, checkIntervalMs: 300, maxMissedBeats: 3 };

/** Timeouts long enough that every change in a test is one of its operations, not a timer's. */
export const SLOW = { timeoutMs: 300_000, checkIntervalMs: 5_000, maxMissedBeats: 3 };

/**
 * The file's clean-up list: after each test, every step pushed onto it (closing gateways,
 * clients, subscriptions) runs, the last pushed first.
 */
export function cleanupAfterEach(): (() => Promise<void> | void)[] {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}

/** The gateway's transitions as the SDK reports them (the in-process stream's type). */
type GatewayTransition = Parameters<Parameters<Gateway['events']['subscribe']>[0]>[0];

/**
 * Gateways for one test file, each closed after its test (`cleanup`), and what they emit.
 *
 * @example
 * ```ts
 * const { gatewayFor, record, kinds } = gatewaysFor(cleanupAfterEach());
 * const seen = record(await gatewayFor());
 * ```
 */
export function gatewaysFor(cleanup: (() => Promise<void> | void)[]) {
  return {
    async gatewayFor(
      config: Partial<GatewayConfig> = FAST,
      extra: { port?: number; store?: SessionStore } = {},
    ): Promise<TestGateway> {
      const g = await startGateway({ config, ...extra });
      cleanup.push(() => g.close());
      return g;
    },
    /** Every transition of the gateway, in process. */
    record(g: TestGateway): GatewayTransition[] {
      const seen: GatewayTransition[] = [];
      cleanup.push(g.gateway.events.subscribe((t) => seen.push(t)));
      return seen;
    },
    kinds: (list: readonly GatewayTransition[], session: string) =>
      list.filter((t) => t.session === session).map((t) => t.kind),
  };
}

export async function startGateway(
  options: {
    config?: Partial<GatewayConfig>;
    port?: number;
    store?: SessionStore;
    limits?: Partial<Limits>;
    sdkDir?: string;
    /** An application the gateway is attached to: it answers the paths the gateway does not. */
    app?: RequestListener;
  } = {},
): Promise<TestGateway> {
  const server = options.app === undefined ? undefined : createServer(options.app);
  const gateway = await createGateway({
    ...(server === undefined ? {} : { server }),
    config: {
      jwtSecret: SECRET,
      host: '127.0.0.1',
      port: options.port ?? 0,
      logLevel: 'silent',
      ...options.config,
    },
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.sdkDir === undefined ? {} : { sdkDir: options.sdkDir }),
  });
  if (server !== undefined) {
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  }
  const port = gateway.address()?.port;
  if (port === undefined) throw new Error('the gateway does not listen');
  return {
    gateway,
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await gateway.close();
      if (server === undefined) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function agentToken(
  sub: string,
  options: { agentType?: string; ttlSeconds?: number; tenant?: string } = {},
): Promise<string> {
  return mintToken({
    secret: SECRET,
    sub,
    scope: 'agent',
    agentType: options.agentType ?? 'planner',
    tenant: options.tenant,
    ttlSeconds: options.ttlSeconds ?? 3600,
  });
}

export function dashboardToken(
  scope = 'sessions:read sessions:control',
  sub = 'ops',
): Promise<string> {
  return mintToken({ secret: SECRET, sub, scope, ttlSeconds: 3600 });
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function until(
  check: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One `pulsegate_beats_total{via}` counter from `/metrics`. */
export async function beatsVia(httpUrl: string, via: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`pulsegate_beats_total{via="${via}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** A `ws` class that can silence or crash each agent socket it makes (the demo's). */
export {
  controlledSocketClass as controlledWebSocket,
  type SocketControl,
} from '../../server/demo/controlled-socket.js';
