import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SECRET } from '../../support/harness.js';

const MAIN = resolve('dist/server/cli/main.js');

/** The short policy every cluster process test runs with. */
export const TIMEOUT_MS = 1_500;
export const CHECK_MS = 500;
export const MAX_MISSED = 2;
/** Nominal time of the timeout after a last beat at L: L + T + (M-1)·C. */
export const TIMEOUT_AFTER = TIMEOUT_MS + (MAX_MISSED - 1) * CHECK_MS;
/** The contract's bound for a dead node's sessions. */
export const TAKEOVER_BOUND_MS = 5_000;

export interface GatewayProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly base: string;
  readonly ws: string;
  readonly lines: Record<string, unknown>[];
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every gateway still running (afterEach/afterAll). */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  running.clear();
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PULSEGATE_')) env[k] = v;
  return { ...env, ...extra };
}

/** Starts `pulsegate serve` in cluster mode, as a user would, and waits for `listening`. */
export function startGateway(
  name: string,
  redisUrl: string,
  prefix: string,
  extra: Record<string, string> = {},
): Promise<GatewayProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: childEnv({
      PULSEGATE_PORT: '0',
      PULSEGATE_JWT_SECRET: SECRET,
      PULSEGATE_REDIS_URL: redisUrl,
      PULSEGATE_REDIS_PREFIX: prefix,
      PULSEGATE_NODE_ID: name,
      PULSEGATE_TIMEOUT_MS: String(TIMEOUT_MS),
      PULSEGATE_CHECK_INTERVAL_MS: String(CHECK_MS),
      PULSEGATE_MAX_MISSED_BEATS: String(MAX_MISSED),
      PULSEGATE_LOG_LEVEL: process.env.CLUSTER_LOG ?? 'info',
      ...extra,
    }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const lines: Record<string, unknown>[] = [];
  return new Promise((resolveStarted, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no listening line`)), 15_000);
    child.once('exit', (code) => reject(new Error(`${name} exited ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const record = parsed as Record<string, unknown>;
      lines.push(record);
      if (record['msg'] === 'listening' && typeof record['port'] === 'number') {
        clearTimeout(timer);
        const port = record['port'];
        resolveStarted({
          name,
          child,
          port,
          base: `http://127.0.0.1:${port}`,
          ws: `ws://127.0.0.1:${port}/v1/agent`,
          lines,
          async kill9() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

/** Polls `check` until it holds; fails after `ms` with `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
