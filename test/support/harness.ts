/**
 * A running gateway for the edge tests, on 127.0.0.1 port 0: a real HTTP server, the
 * agent and dashboard edges, the real monitor on real time (with short policies), the
 * real HS256 verifier, real metrics, and a pino logger whose lines the test can await.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createAgentEndpoint } from '../../server/agents/index.js';
import { createTokenVerifier } from '../../server/auth/index.js';
import { DEFAULT_LIMITS, type GatewayContext, type Limits } from '../../server/context.js';
import { attachDashboards } from '../../server/dashboards/index.js';
import type { AgentEndpoint, DashboardHub } from '../../server/edges.js';
import { createMetrics, type PrometheusMetrics } from '../../server/metrics.js';
import { HeartbeatMonitor, systemClock, type MonitorOptions } from '../../server/monitor/index.js';
import { createOriginPolicy } from '../../server/origins.js';
import type { Policy } from '../../shared/session.js';

export const SECRET = 'edge-tests-secret-0123456789abcdef';

export interface HarnessOptions {
  policy?: Partial<Policy>;
  policies?: MonitorOptions['policies'];
  maxPauseMs?: number;
  limits?: Partial<Limits>;
  allowedOrigins?: string[];
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** Log lines as parsed JSON, with a way to await one. */
export class LogCapture extends Writable {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const text of chunk.toString('utf8').split('\n')) {
      if (text === '') continue;
      this.raw.push(text);
      const parsed = JSON.parse(text) as LogLine;
      this.lines.push(parsed);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(parsed)) return true;
        w.resolve(parsed);
        return false;
      });
    }
    done();
  }

  /** Resolves with the first line (already logged or to come) that passes `test`. */
  waitFor(test: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

export interface Harness {
  readonly server: Server;
  readonly port: number;
  /** `ws://127.0.0.1:port/v1/agent` */
  readonly agentUrl: string;
  /** `http://127.0.0.1:port` */
  readonly baseUrl: string;
  readonly monitor: HeartbeatMonitor;
  readonly agents: AgentEndpoint;
  readonly dashboards: DashboardHub;
  readonly metrics: PrometheusMetrics;
  readonly logs: LogCapture;
  readonly limits: Limits;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logs = new LogCapture();
  const log = pino({ level: 'debug' }, logs);
  const monitor = new HeartbeatMonitor({
    policy: { timeoutMs: 200, checkIntervalMs: 100, maxMissedBeats: 3, ...options.policy },
    ...(options.policies !== undefined ? { policies: options.policies } : {}),
    ...(options.maxPauseMs !== undefined ? { maxPauseMs: options.maxPauseMs } : {}),
  });
  const metrics = createMetrics(() => monitor.countByState());
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx: GatewayContext = {
    monitor,
    verifier: await createTokenVerifier({ secret: SECRET }),
    log,
    metrics,
    limits,
    origins: createOriginPolicy(options.allowedOrigins),
    clock: systemClock,
  };
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const agents = createAgentEndpoint(ctx);
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/agent') agents.handleUpgrade(req, socket, head);
    else if (path !== '/socket.io/') socket.destroy();
  });
  const dashboards = attachDashboards(server, ctx);
  monitor.start();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    agentUrl: `ws://127.0.0.1:${port}/v1/agent`,
    baseUrl: `http://127.0.0.1:${port}`,
    monitor,
    agents,
    dashboards,
    metrics,
    logs,
    limits,
    async close() {
      await agents.shutdown(0);
      await dashboards.shutdown();
      monitor.stop();
      metrics.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
