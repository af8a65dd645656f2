/**
 * The benchmarks against the bare libraries (issue 7), by name. `runSuite` prints the
 * table with ratios and targets and writes `bench/results/NAME.json`.
 */
import { liveChildren } from '../lib/children.js';
import { printFigures, writeResult, type BenchResult, type Figure } from '../lib/result.js';
import { runClusterBeats } from '../cluster/beats.js';
import { runCluster } from './cluster.js';
import { runConnections } from './connections.js';
import { runFanout } from './fanout.js';
import { runHttp } from './http.js';
import { runIngest } from './ingest.js';
import { runLateness } from './lateness.js';

export const SUITES: Readonly<Record<string, () => Promise<Figure[]>>> = {
  connections: runConnections,
  ingest: runIngest,
  lateness: runLateness,
  fanout: runFanout,
  http: runHttp,
  // Issue 7: 50,000 agents held by three gateway processes on one Redis.
  'connections-cluster': runCluster,
  // Issue 6: beats/s, lateness and Redis commands per beat, on one and on two gateways.
  cluster: runClusterBeats,
};

export const SUITE_NAMES: readonly string[] = Object.keys(SUITES);

/** A suite that hangs (a lost handshake, a stuck child) fails instead of stalling the run. */
const SUITE_TIMEOUT_MS = Number(process.env['PULSEGATE_BENCH_SUITE_TIMEOUT_MS'] ?? 600_000);

async function withWatchdog<T>(name: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name}: no result after ${SUITE_TIMEOUT_MS} ms`)),
      SUITE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one suite by name; throws when a child process is left running afterwards. */
export async function runSuite(name: string): Promise<BenchResult> {
  const suite = SUITES[name];
  if (suite === undefined) throw new Error(`unknown bench ${name}`);
  const started = Date.now();
  const figures = await withWatchdog(name, suite());
  printFigures(`${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`, figures);
  const result = writeResult(name, figures);
  if (liveChildren() > 0)
    throw new Error(`${name}: ${liveChildren()} child processes still running`);
  return result;
}
