import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A Redis of the bench's own, so that `INFO commandstats` counts only the gateways. */
export interface BenchRedis {
  readonly url: string;
  /** Calls of every command so far (scripts' inner commands included), and of EVALSHA. */
  commandCalls(): Promise<{ all: number; evalsha: number }>;
  stop(): Promise<void>;
}

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
  let child: ChildProcess | undefined;
  let url = given ?? '';
  if (given === undefined || given === '') {
    const port = await freePort();
    child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    url = `redis://127.0.0.1:${port}`;
  }
  const admin = new Redis(url, { maxRetriesPerRequest: 20, retryStrategy: () => 50 });
  // Refused connections while redis-server starts are retried, not reported.
  admin.on('error', () => {});
  await admin.ping();
  return {
    url,
    async commandCalls() {
      return parseCommandStats(await admin.info('commandstats'));
    },
    async stop() {
      admin.disconnect();
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
