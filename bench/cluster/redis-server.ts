import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';

/**
 * Why a private redis-server did not start. `missing`: no `redis-server` on the PATH;
 * `busy`: every port tried was taken by someone else first; `failed`: anything else (its
 * last lines of output are in the message).
 */
export class RedisServerError extends Error {
  readonly code: 'missing' | 'busy' | 'failed';

  constructor(code: 'missing' | 'busy' | 'failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisServerError';
    this.code = code;
  }
}

/** A throw-away redis-server on 127.0.0.1, of its starter's own (no persistence). */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Its process: to freeze it (SIGSTOP) and wake it (SIGCONT). */
  readonly child: ChildProcess;
  /** Continues it (it may be frozen) and terminates it; resolves once it has exited. */
  stop(): Promise<void>;
  /** Continues and SIGKILLs it at once: for `exit` handlers, which cannot wait. */
  kill(): void;
}

const START_MS = 5_000;
const ATTEMPTS = 5;
/** Lines of its output kept for the message of a failed start. */
const TAIL = 20;

/** A port nobody listened on a moment ago (taken, read, released: it may be taken again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let hooked = false;

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGKILL works on a stopped process too; SIGCONT first so that nothing stays frozen. */
function killNow(child: ChildProcess): void {
  running.delete(child);
  if (exited(child)) return;
  child.kill('SIGCONT');
  child.kill('SIGKILL');
}

// A caller that dies before stop() must not leave a redis-server (a frozen one least of all).
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of [...running]) killNow(child);
  });
}

type Attempt = { child: ChildProcess } | { busy: true };

/** One redis-server on `port`: ready, or `busy` when the port was taken between. */
function attempt(port: number): Promise<Attempt> {
  return new Promise<Attempt>((resolve, reject) => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    let settled = false;
    const settle = (outcome: Attempt | RedisServerError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof RedisServerError || 'busy' in outcome) killNow(child);
      if (outcome instanceof RedisServerError) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle(new RedisServerError('failed', `redis-server did not start in ${START_MS} ms`));
    }, START_MS);

    const tail: string[] = [];
    // Both streams are read to the end, not only until ready: a full pipe would block Redis.
    for (const input of [child.stdout!, child.stderr!]) {
      createInterface({ input }).on('line', (line) => {
        tail.push(line);
        if (tail.length > TAIL) tail.shift();
        if (line.includes('Ready to accept connections')) settle({ child });
      });
    }
    // Kept after the start as well: a later 'error' (a failed kill) must not crash the caller.
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        const message =
          'redis-server is not installed (not on the PATH): a private Redis is needed here;' +
          ' install redis-server (.ci/run does)';
        settle(new RedisServerError('missing', message, { cause: error }));
      } else {
        const message = `redis-server could not be started: ${error.message}`;
        settle(new RedisServerError('failed', message, { cause: error }));
      }
    });
    child.once('exit', () => running.delete(child));
    // 'close', not 'exit': its last lines (why it stopped) have been read by then.
    child.once('close', (code, signal) => {
      if (tail.some((l) => l.includes('Address already in use'))) settle({ busy: true });
      const how = signal ?? `code ${code}`;
      settle(new RedisServerError('failed', `redis-server exited (${how}):\n${tail.join('\n')}`));
    });
  });
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 and resolves once it accepts
 * connections. The port is found free, then released for Redis to bind: another process
 * may take it between; then Redis fails to bind and is started again on another port.
 */
export async function startRedisServer(): Promise<RedisServer> {
  hookExit();
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await freePort();
    const outcome = await attempt(port);
    if ('busy' in outcome) continue;
    const { child } = outcome;
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      child,
      async stop() {
        if (exited(child)) return;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => killNow(child), START_MS);
        await gone;
        clearTimeout(timer);
        running.delete(child);
      },
      kill() {
        killNow(child);
      },
    };
  }
  throw new RedisServerError('busy', `redis-server found its port taken ${ATTEMPTS} times`);
}

/** A Redis of the bench's own, so that `INFO commandstats` counts only the gateways. */
export interface BenchRedis {
  readonly url: string;
  /** Calls of every command so far (scripts' inner commands included), and of EVALSHA. */
  commandCalls(): Promise<{ all: number; evalsha: number }>;
  stop(): Promise<void>;
}

/** `INFO commandstats` summed: `cmdstat_<name>:calls=N,...` per line. */
export function parseCommandStats(info: string): { all: number; evalsha: number } {
  let all = 0;
  let evalsha = 0;
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([a-z|_-]+):calls=(\d+)/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    // INFO itself is the bench asking, not the gateways.
    if (m[1] === 'info') continue;
    all += Number(m[2]);
    if (m[1] === 'evalsha') evalsha += Number(m[2]);
  }
  return { all, evalsha };
}

/**
 * Starts `redis-server` on a free port (no persistence), or uses `PULSEGATE_BENCH_REDIS_URL`
 * when set (then other clients of that Redis count too).
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const given = process.env['PULSEGATE_BENCH_REDIS_URL'];
  const server = given === undefined || given === '' ? await startRedisServer() : undefined;
  const url = server?.url ?? given ?? '';
  const admin = new Redis(url, { maxRetriesPerRequest: 20, retryStrategy: () => 50 });
  // A given Redis may refuse a moment (restarting): retried, not reported.
  admin.on('error', () => {});
  await admin.ping();
  return {
    url,
    async commandCalls() {
      return parseCommandStats(await admin.info('commandstats'));
    },
    async stop() {
      admin.disconnect();
      await server?.stop();
    },
  };
}
