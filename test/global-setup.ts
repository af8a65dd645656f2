/**
 * The Redis the tests share: `REDIS_URL` when set, else the machine's on 127.0.0.1:6379
 * when it answers, else a private `redis-server` on a free port, started here for the whole
 * run and stopped after it. Test workers are forked after this runs and inherit
 * `process.env.REDIS_URL`, which test/cluster/support/redis.ts reads.
 */
import { createConnection } from 'node:net';
import { startRedisServer, type RedisServer } from '../bench/cluster/redis-server.js';

const MACHINE_REDIS = { host: '127.0.0.1', port: 6379 };
const PROBE_MS = 1_000;

let started: RedisServer | undefined;

/** Whether a Redis answers PING at `host:port` within `PROBE_MS`. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_MS);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

export async function setup(): Promise<void> {
  if (process.env['REDIS_URL'] !== undefined && process.env['REDIS_URL'] !== '') return;
  if (await answers(MACHINE_REDIS.host, MACHINE_REDIS.port)) return;
  started = await startRedisServer();
  process.env['REDIS_URL'] = started.url;
  const { host, port } = MACHINE_REDIS;
  console.log(`no Redis at ${host}:${port}: the tests use a private one at ${started.url}`);
}

export async function teardown(): Promise<void> {
  await started?.stop();
  started = undefined;
}
