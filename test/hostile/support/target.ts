/**
 * The gateway a hostile case runs against: `createGateway` in this process on 127.0.0.1
 * port 0, or the built CLI (`node dist/server/cli/main.js serve`) in a child process where
 * a crash must be seen as a dead process rather than as a test-runner error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createGateway, type Gateway, type GatewayOptions } from '../../../server/gateway.js';
import { AUDIENCE, ISSUER, SECRET } from './tokens.js';

/** Browser origin the catalogue gateway allows. */
export const ALLOWED_ORIGIN = 'https://ops.example.com';

export interface Target {
  readonly port: number;
  /** The in-process gateway (undefined for a child process). */
  readonly gateway: Gateway | undefined;
  /** Error-level log lines so far (in process only). */
  readonly errors: string[];
  /** False once the child process exited (always true in process). */
  alive(): boolean;
  close(): Promise<void>;
}

/** Settings every catalogue gateway shares: HS256 with iss/aud, one allowed origin. */
export const BASE_CONFIG = {
  host: '127.0.0.1',
  port: 0,
  jwtSecret: SECRET,
  jwtIssuer: ISSUER,
  jwtAudience: AUDIENCE,
  allowedOrigins: [ALLOWED_ORIGIN],
  timeoutMs: 60_000,
  checkIntervalMs: 5_000,
  maxMissedBeats: 3,
} as const;

class ErrorLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.includes('"level":50') || line.includes('"level":60')) this.lines.push(line);
    }
    done();
  }
}

/** A gateway in this process; `options.config` is merged over `BASE_CONFIG`. */
export async function startInProcess(options: GatewayOptions = {}): Promise<Target> {
  const sink = new ErrorLines();
  const gateway = await createGateway({
    logger: pino({ level: 'error' }, sink),
    ...options,
    config: { ...BASE_CONFIG, ...options.config },
  });
  const port = gateway.address()?.port ?? 0;
  return {
    port,
    gateway,
    errors: sink.lines,
    alive: () => true,
    close: () => gateway.close(),
  };
}

const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'server', 'cli', 'main.js');

/** The environment of `BASE_CONFIG` for the CLI. */
export function baseEnv(): Record<string, string> {
  return {
    PULSEGATE_HOST: '127.0.0.1',
    PULSEGATE_PORT: '0',
    PULSEGATE_JWT_SECRET: SECRET,
    PULSEGATE_JWT_ISSUER: ISSUER,
    PULSEGATE_JWT_AUDIENCE: AUDIENCE,
    PULSEGATE_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
    PULSEGATE_TIMEOUT_MS: '60000',
    PULSEGATE_LOG_LEVEL: 'info',
  };
}

export interface ChildTarget extends Target {
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly output: string[];
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** `pulsegate serve` from `dist/` in a child process; resolves once it logged its port. */
export async function startProcess(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ChildTarget> {
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env: { PATH: process.env['PATH'] ?? '', ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let partial = '';
  let resolvePort: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => (resolvePort = resolve));
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      output.push(line);
      const m = /"msg":"listening"/.test(line) ? /"port":(\d+)/.exec(line) : null;
      if (m) resolvePort(Number(m[1]));
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => output.push(chunk));
  const exited = once(child, 'exit').then(([code]) => (typeof code === 'number' ? code : null));
  const port = await Promise.race([
    listening,
    exited.then((code) => {
      throw new Error(`the gateway exited (${code}): ${output.join('\n')}`);
    }),
  ]);
  return {
    port,
    gateway: undefined,
    errors: [],
    child,
    output,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
