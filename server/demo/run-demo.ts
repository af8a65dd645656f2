import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { mintToken } from '../auth/mint.js';
import { createGateway, type Gateway } from '../gateway.js';
import { createLogger } from '../log.js';
import type { Policy } from '../../shared/session.js';
import {
  DEMO_AGENT_TYPES,
  DEMO_POLICY,
  ROLE_CYCLE,
  scaledPolicy,
  timingFor,
  type Role,
} from './script.js';
import { SimAgent } from './sim-agent.js';

export interface DemoOptions {
  /** Bind address (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 7070; 0 picks a free one). */
  readonly port?: number;
  /** Simulated agents, 1 to 200 (default 20). */
  readonly agents?: number;
  /** The policy of every demo agent type (default: timeout 5 s, check 2 s, 3 beats). */
  readonly policy?: Policy;
  /** Speeds the whole demo up (< 1) or slows it down (> 1): policy and script alike. */
  readonly scale?: number;
  /** The gateway's logger (default: pino at `warn`, so the terminal keeps the URL in view). */
  readonly logger?: Logger;
  /** Where the demo prints its URL (default: stdout). */
  readonly print?: (line: string) => void;
  /** The dashboard page folder (default: the package's `dist/dashboard`). */
  readonly pageDir?: string;
}

/** A running demo. */
export interface Demo {
  readonly gateway: Gateway;
  /** `http://host:port`. */
  readonly url: string;
  /** The page, with a dashboard token that can control, in the fragment. */
  readonly dashboardUrl: string;
  /** A token with `sessions:read sessions:control`. */
  readonly dashboardToken: string;
  /** Mints an agent token for `session` of `agentType` (for tests and curious users). */
  agentToken(session: string, agentType: string): Promise<string>;
  /** Stops the agents (each says `bye`) and then the gateway. Idempotent. */
  stop(): Promise<void>;
}

const MAX_AGENTS = 200;
const TOKEN_TTL_SECONDS = 12 * 3600;
/** Longest wait for the agents' `bye`s on stop. */
const STOP_GRACE_MS = 5_000;

/**
 * `pulsegate demo`: an in-memory, dev-mode gateway plus simulated agents of three types
 * that beat, pause for user input, go silent, recover, crash, come back, time out and
 * say `bye`, so that every kind of transition shows on the page within a minute.
 *
 * @example
 * ```ts
 * const demo = await runDemo({ port: 0 });
 * console.log(demo.dashboardUrl);
 * process.once('SIGINT', () => void demo.stop());
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<Demo> {
  const agents = options.agents ?? 20;
  if (!Number.isInteger(agents) || agents < 1 || agents > MAX_AGENTS) {
    throw new RangeError(`agents must be an integer from 1 to ${MAX_AGENTS}`);
  }
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError('scale must be positive');
  const policy = scaledPolicy(options.policy ?? DEMO_POLICY, scale);
  const host = options.host ?? '127.0.0.1';

  const gateway = await createGateway({
    config: {
      host,
      port: options.port ?? 7070,
      ...policy,
      policies: Object.fromEntries(DEMO_AGENT_TYPES.map((type) => [type, policy])),
    },
    logger: options.logger ?? createLogger({ level: 'warn' }),
    ...(options.pageDir !== undefined ? { pageDir: options.pageDir } : {}),
  });
  const secret = gateway.devSecret;
  const port = gateway.address()?.port;
  if (secret === undefined || port === undefined) {
    await gateway.close();
    throw new Error('the demo gateway did not start in dev mode on a port');
  }

  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  const agentToken = (session: string, agentType: string) =>
    mintToken({ secret, sub: session, scope: 'agent', agentType, ttlSeconds: TOKEN_TTL_SECONDS });
  const dashboardToken = await mintToken({
    secret,
    sub: 'demo-operator',
    scope: 'sessions:read sessions:control',
    ttlSeconds: TOKEN_TTL_SECONDS,
  });
  const dashboardUrl = `${url}/#token=${dashboardToken}`;

  const abort = new AbortController();
  // Every agent waits on this one signal, a few listeners each.
  setMaxListeners(4 * agents + 10, abort.signal);
  const timing = timingFor(policy, scale);
  const runs = Array.from({ length: agents }, (_, i) => {
    const agentType = DEMO_AGENT_TYPES[i % DEMO_AGENT_TYPES.length] ?? 'planner';
    const role: Role = ROLE_CYCLE[i % ROLE_CYCLE.length] ?? 'steady';
    const session = `${agentType}-${Math.floor(i / DEMO_AGENT_TYPES.length) + 1}`;
    const agent = new SimAgent({
      url: url.replace(/^http/, 'ws'),
      session,
      agentType,
      role,
      token: () => agentToken(session, agentType),
      timing,
      signal: abort.signal,
      random: Math.random,
    });
    // Staggered, so that the first minute is not one burst of identical events.
    return staggered(i * 250 * scale, abort.signal).then(() =>
      abort.signal.aborted ? undefined : agent.run(),
    );
  });

  (options.print ?? ((line: string) => process.stdout.write(`${line}\n`)))(
    [
      `Pulsegate demo: ${agents} simulated agents on ${url}`,
      `Open the dashboard: ${dashboardUrl}`,
      'Ctrl-C stops the demo.',
    ].join('\n'),
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      abort.abort();
      await Promise.race([Promise.allSettled(runs), delay(STOP_GRACE_MS)]);
      await gateway.close();
    })();
    return stopping;
  };
  return { gateway, url, dashboardUrl, dashboardToken, agentToken, stop };
}

function staggered(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
