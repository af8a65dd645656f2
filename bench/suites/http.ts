/**
 * `http`: `POST /v1/sessions/:id/beat` per second with autocannon (on core 1) against
 * the gateway, which verifies the agent's JWT and beats the monitor on each request.
 * Baseline: a bare `node:http` handler that reads the body and answers JSON.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { canPin } from '../lib/children.js';
import { asRecord, num } from '../lib/fields.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { agentToken } from '../lib/tokens.js';
import { startBare, startGateway, type ServerHandle } from '../servers/launch.js';
import { parseJson } from '../../shared/record.js';

interface Cannon {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
}

const CONNECTIONS = 50;

function autocannonBin(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('autocannon/autocannon.js');
}

/** Runs the autocannon CLI on core 1 and reads its `--json` summary. */
function cannon(url: string, token: string, seconds: number): Promise<Cannon> {
  const args = [
    autocannonBin(),
    '--json',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    `authorization=Bearer ${token}`,
    '-H',
    'content-type=application/json',
    '-b',
    '{}',
    url,
  ];
  const [command, argv] = canPin()
    ? ['taskset', ['-c', '1', process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        const parsed = parseJson(out.trim());
        const r = asRecord(parsed?.value, 'autocannon output');
        const latency = asRecord(r['latency'], 'latency');
        const requests = asRecord(r['requests'], 'requests');
        resolve({
          perSecond: num(r, '2xx') / num(r, 'duration'),
          p50: num(latency, 'p50'),
          p99: num(latency, 'p99'),
          total: num(requests, 'total'),
          non2xx: num(r, 'non2xx'),
          errors: num(r, 'errors'),
        });
      } catch (error) {
        reject(new Error(`autocannon exited ${String(code)}: ${String(error)}`));
      }
    });
  });
}

async function measure(server: ServerHandle, seconds: number): Promise<Cannon> {
  const session = 'http-agent-1';
  const token = await agentToken(session);
  const url = `http://127.0.0.1:${server.port}/v1/sessions/${session}/beat`;
  await cannon(url, token, 1); // warm-up
  return cannon(url, token, seconds);
}

export async function runHttp(): Promise<Figure[]> {
  const seconds = scaled(10, 2);
  const bareServer = await startBare('http');
  const bare = await measure(bareServer, seconds).finally(() => bareServer.stop());
  const gatewayServer = await startGateway();
  const gw = await measure(gatewayServer, seconds).finally(() => gatewayServer.stop());
  const name = 'bare node:http';
  return [
    figure('HTTP beats per second (2xx)', 'req/s', gw.total, gw.perSecond, {
      name,
      value: bare.perSecond,
      target: 'ratio >= 0.5',
    }),
    figure('latency p50', 'ms', gw.total, gw.p50, { name, value: bare.p50 }),
    figure('latency p99', 'ms', gw.total, gw.p99, { name, value: bare.p99 }),
    figure(
      'non-2xx responses',
      'responses',
      gw.total,
      gw.non2xx,
      { name, value: bare.non2xx },
      'value <= 0',
    ),
    figure('errors', 'requests', gw.total, gw.errors, { name, value: bare.errors }, 'value <= 0'),
  ];
}
