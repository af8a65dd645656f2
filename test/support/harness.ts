/**
 * A running gateway for the edge tests: `createGateway` on 127.0.0.1 port 0, with the real
 * monitor on real time (short policies), the real HS256 verifier, and a pino logger whose
 * lines the test can await.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { GatewayConfig } from '../../server/config/settings.js';
import type { Limits } from '../../server/context.js';
import { createGateway, type Gateway } from '../../server/gateway.js';
import type { Monitor } from '../../server/monitor/types.js';
import type { Policy } from '../../shared/session.js';

export const SECRET = 'edge-tests-secret-0123456789abcdef';

export interface HarnessOptions {
  policy?: Partial<Policy>;
  policies?: Record<string, Policy>;
  maxPauseMs?: number;
  limits?: Partial<Limits>;
  allowedOrigins?: string[];
  /** Other settings, applied last (e.g. `jwksUrl` with `jwtSecret: undefined`). */
  config?: Partial<GatewayConfig>;
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

  /** Every line as written, one per row: for `toContain` checks on the whole log. */
  get text(): string {
    return this.raw.join('\n');
  }

  /** Resolves with the first line (already logged or to come) that passes `test`. */
  waitFor(test: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

export interface Harness {
  readonly gateway: Gateway;
  readonly port: number;
  /** `ws://127.0.0.1:port/v1/agent` */
  readonly agentUrl: string;
  /** `http://127.0.0.1:port` */
  readonly baseUrl: string;
  readonly monitor: Monitor;
  readonly logs: LogCapture;
  /** The value of `pulsegate_connections{kind}` now. */
  connections(kind: 'agent' | 'dashboard'): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logs = new LogCapture();
  const gateway = await createGateway({
    config: {
      host: '127.0.0.1',
      port: 0,
      jwtSecret: SECRET,
      timeoutMs: 200,
      checkIntervalMs: 100,
      maxMissedBeats: 3,
      ...options.policy,
      ...(options.policies !== undefined ? { policies: options.policies } : {}),
      ...(options.maxPauseMs !== undefined ? { maxPauseMs: options.maxPauseMs } : {}),
      ...(options.allowedOrigins !== undefined ? { allowedOrigins: options.allowedOrigins } : {}),
      ...options.config,
    },
    logger: pino({ level: 'debug' }, logs),
    limits: { shutdownSpreadMs: 1, ...options.limits },
  });
  const port = gateway.address()?.port ?? 0;
  return {
    gateway,
    port,
    agentUrl: `ws://127.0.0.1:${port}/v1/agent`,
    baseUrl: `http://127.0.0.1:${port}`,
    monitor: gateway.monitor,
    logs,
    async connections(kind) {
      const text = await gateway.metrics.scrape();
      const match = new RegExp(`pulsegate_connections\\{kind="${kind}"\\} (\\d+)`).exec(text);
      return Number(match?.[1] ?? NaN);
    },
    close: () => gateway.close(),
  };
}
