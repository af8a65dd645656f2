/**
 * The seed itself (bench/seed/heartbeat.py, Python) measured in the same run: register, beat
 * and one `_check_heartbeats` sweep with 1% due. `undefined` when `python3` is missing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bench/seed/sweep.py in the source tree (this file runs from dist/bench/monitor/). */
const SCRIPT = fileURLToPath(new URL('../../../bench/seed/sweep.py', import.meta.url));

export interface PythonSeedFigures {
  readonly n: number;
  readonly python: string;
  readonly registerNs: number;
  readonly beatNs: number;
  /** ms of CPU for one sweep with nothing due. */
  readonly sweepIdleMs: number;
  /** ms of CPU for one sweep that finds 1% of the sessions due (their warning). */
  readonly sweepDueMs: number;
  readonly due: number;
}

export function measurePythonSeed(n: number): PythonSeedFigures | undefined {
  const run = spawnSync('python3', [SCRIPT, String(n)], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 1 << 20,
  });
  if (run.error !== undefined || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim();
    console.log(`the seed (python3 ${SCRIPT}) could not be measured: ${why}`);
    return undefined;
  }
  return JSON.parse(run.stdout) as PythonSeedFigures;
}
