import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { isJsonRecord, parseJson, type JsonRecord } from '../../shared/record.js';
import { benchScript, spawnPinned, stopChild } from '../lib/children.js';
import { counts, num } from '../lib/fields.js';
import { RpcClient } from '../lib/rpc.js';
import { BENCH_SECRET } from '../lib/tokens.js';
import { scrapeCounters } from './metrics.js';

/** What the probe inside a server process reports. */
export interface ProcessStats {
  readonly rss: number;
  readonly heapUsed: number;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Beats by kind (`message`, `ping`, `http`) and other server counters. */
  readonly counters: Readonly<Record<string, number>>;
}

/** A server under test running on core 0. */
export interface ServerHandle {
  readonly label: string;
  readonly pid: number;
  readonly port: number;
  /** `counters: false` skips the gateway's `/metrics` scrape (it costs the server CPU). */
  stats(options?: { gc?: boolean; counters?: boolean }): Promise<ProcessStats>;
  /** Profiles the server from now until `profileStop` writes the `.cpuprofile`. */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  /** Lines the server wrote to stdout (its log) so far. */
  readonly logLines: number;
  stop(): Promise<void>;
}

export type BareKind = 'ws' | 'sio' | 'http';

const BARE: Record<BareKind, { script: string; label: string }> = {
  ws: { script: '../servers/bare-ws.js', label: 'bare ws' },
  sio: { script: '../servers/bare-sio.js', label: 'bare Socket.IO' },
  http: { script: '../servers/bare-http.js', label: 'bare node:http' },
};

function readStats(data: JsonRecord): Omit<ProcessStats, 'counters'> {
  return {
    rss: num(data, 'rss'),
    heapUsed: num(data, 'heapUsed'),
    cpuUserUs: num(data, 'cpuUserUs'),
    cpuSystemUs: num(data, 'cpuSystemUs'),
  };
}

function waitFor<T>(child: ChildProcess, what: string, wait: Promise<T>, ms = 30_000) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: ${what} not ready in ${ms} ms`)), ms);
    child.once('exit', (code) => reject(new Error(`bench: ${what} exited (${String(code)})`)));
    wait.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

/** Starts one of the bare baseline servers on core 0. */
export async function startBare(kind: BareKind): Promise<ServerHandle> {
  const { script, label } = BARE[kind];
  const child = spawnPinned({ script: benchScript(script), core: 0, nodeFlags: ['--expose-gc'] });
  let readyPort: (port: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (readyPort = resolve));
  const rpc = new RpcClient(child, (event, data) => {
    if (event === 'ready') readyPort(num(data, 'port'));
  });
  let logLines = 0;
  child.stdout?.on('data', () => logLines++);
  const port = await waitFor(child, label, ready);
  return {
    label,
    pid: child.pid ?? 0,
    port,
    get logLines() {
      return logLines;
    },
    async stats(options) {
      const data = await rpc.call('stats', { gc: options?.gc === true });
      return { ...readStats(data), counters: counts(data, 'counters') };
    },
    profileStart: async () => void (await rpc.call('profileStart')),
    profileStop: async (file) => void (await rpc.call('profileStop', { file })),
    stop: () => stopChild(child),
  };
}

/**
 * The policy of benches that hold connections (connections, ingest): a timeout longer
 * than the slowest ramp, so that no session times out while 19,000 connect. The cost of
 * a beat does not depend on T.
 */
export const HOLD_POLICY: Readonly<Record<string, string>> = {
  PULSEGATE_TIMEOUT_MS: '600000',
};

export interface GatewayOptions {
  /** `PULSEGATE_*` settings on top of the bench defaults (port 0, the bench secret). */
  readonly env?: Readonly<Record<string, string>>;
  /** Write a `--cpu-prof` profile into this directory (default: `PULSEGATE_BENCH_CPU_PROF`). */
  readonly cpuProfDir?: string;
}

/** The built gateway CLI, as a user starts it (`pulsegate serve`). */
export const GATEWAY_CLI = '../../server/cli/main.js';

/** The V8 flag the gateway is run with (the bin's shebang, `npm start`, the Dockerfile). */
export const GATEWAY_NODE_FLAG = '--max-semi-space-size=8';

/**
 * Starts `pulsegate serve` on core 0 with the stats probe preloaded, and waits for its
 * `"msg":"listening"` log line. Beat counters come from its `/metrics`.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<ServerHandle> {
  const label = 'gateway';
  const nodeFlags = [
    '--expose-gc',
    // As `npm start`, the `pulsegate` bin and the Docker image run it (docs/operations.md).
    GATEWAY_NODE_FLAG,
    '--import',
    pathToFileURL(benchScript('../servers/probe.js')).href,
  ];
  const profDir = options.cpuProfDir ?? process.env['PULSEGATE_BENCH_CPU_PROF'];
  if (profDir !== undefined && profDir !== '') {
    nodeFlags.push('--cpu-prof', '--cpu-prof-dir', profDir);
  }
  // Another build of the gateway (an earlier commit's `dist/server/cli/main.js`), so a
  // change can be measured before and after against baselines of the same machine state.
  const other = process.env['PULSEGATE_BENCH_GATEWAY'];
  const child = spawnPinned({
    script: other !== undefined && other !== '' ? other : benchScript(GATEWAY_CLI),
    args: ['serve'],
    core: 0,
    nodeFlags,
    env: {
      PULSEGATE_HOST: '127.0.0.1',
      PULSEGATE_PORT: '0',
      PULSEGATE_JWT_SECRET: BENCH_SECRET,
      PULSEGATE_LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const rpc = new RpcClient(child);
  let logLines = 0;
  let listening: (port: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (listening = resolve));
  // The log is drained continuously: a full pipe would stall the gateway.
  createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
    logLines++;
    const value = parseJson(line)?.value;
    if (isJsonRecord(value) && value['msg'] === 'listening' && typeof value['port'] === 'number') {
      listening(value['port']);
    }
  });
  const port = await waitFor(child, label, ready);
  return {
    label,
    pid: child.pid ?? 0,
    port,
    get logLines() {
      return logLines;
    },
    async stats(opts) {
      const data = await rpc.call('stats', { gc: opts?.gc === true });
      const scraped = opts?.counters === false ? {} : await scrapeCounters(port);
      return { ...readStats(data), counters: scraped };
    },
    profileStart: async () => void (await rpc.call('profileStart')),
    profileStop: async (file) => void (await rpc.call('profileStop', { file })),
    // SIGTERM: the gateway drains (1001 spread over its shutdown window), then exits.
    stop: () => stopChild(child, 8000),
  };
}
