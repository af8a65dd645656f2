/**
 * `npm run bench -- monitor`: the heartbeat monitor core beside the seed's sweep, measured
 * in the same run. Writes bench/results/monitor.json.
 */
import { loadavg } from 'node:os';
import { figure, type Figure } from './lib/result.js';
import { median } from './lib/stats.js';
import { makeIds, measureCore, measureDue, measureSeed, type DueFigures } from './monitor/core.js';
import { measurePythonSeed } from './monitor/python-seed.js';
import { memoryPerSession } from './monitor/memory.js';
import { coreLateness, sweepLateness } from './monitor/lateness.js';

const SIZES = [100_000, 1_000_000];
const SEED = 'seed sweep (Map, sweep every C)';
const PYTHON_SEED = 'the seed itself (heartbeat.py)';
const DUE_RUNS = 3;

/** The median of each figure over `DUE_RUNS` runs, each on fresh sessions. */
async function measureDueMedian(ids: readonly string[]): Promise<DueFigures> {
  const runs: DueFigures[] = [];
  for (let r = 0; r < DUE_RUNS; r++) runs.push(await measureDue(ids));
  const pick = (f: (d: DueFigures) => number) => median(runs.map(f));
  return {
    n: ids.length,
    due: runs[0]?.due ?? 0,
    core: pick((d) => d.core),
    sweep: pick((d) => d.sweep),
    idleCore: pick((d) => d.idleCore),
    idleSweep: pick((d) => d.idleSweep),
  };
}

export async function runMonitor(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`load average at start: ${load()}`);
  // The due path runs only in the measured interval: compile it first.
  await measureDue(makeIds(20_000));
  for (const n of SIZES) {
    const ids = makeIds(n);
    const seed = measureSeed(ids);
    const core = measureCore(ids);
    const coreMemory = memoryPerSession('core', n);
    const seedMemory = memoryPerSession('seed', n);
    const bytesPerId = coreMemory.id;
    const base = (name: string, value: number, target?: string) => ({ name, value, target });
    figures.push(
      figure('register', 'ns/op', n, core.register, base(SEED, seed.register)),
      figure(
        'beat (median of batch means)',
        'ns/op',
        n,
        core.beat,
        base(SEED, seed.beat),
        n === 1_000_000 ? 'value <= 1000' : undefined,
      ),
      figure(
        'memory per session (ids excluded)',
        'B',
        n,
        coreMemory.session,
        base(SEED, seedMemory.session),
        n === 1_000_000 ? 'value <= 300' : undefined,
      ),
      figure(
        'memory per session (with the id string)',
        'B',
        n,
        coreMemory.session + bytesPerId,
        base(SEED, seedMemory.session + bytesPerId),
        n === 1_000_000 ? 'value <= 300' : undefined,
      ),
    );
    const due = await measureDueMedian(ids);
    const python = measurePythonSeed(n);
    if (python !== undefined) {
      figures.push(
        figure('register', 'ns/op', n, core.register, base(PYTHON_SEED, python.registerNs)),
        figure('beat', 'ns/op', n, core.beat, base(PYTHON_SEED, python.beatNs)),
        figure(
          'CPU over one check interval, 1% due',
          'ms',
          n,
          due.core,
          base(PYTHON_SEED, python.sweepDueMs),
          n === 1_000_000 ? 'ratio <= 0.01' : undefined,
        ),
        figure(
          'CPU over one check interval, none due',
          'ms',
          n,
          due.idleCore,
          base(PYTHON_SEED, python.sweepIdleMs),
        ),
      );
      console.log(
        `n=${n}: the seed itself (Python ${python.python}): register ${python.registerNs.toFixed(0)} ns, ` +
          `beat ${python.beatNs.toFixed(0)} ns, sweep with 1% due ${python.sweepDueMs.toFixed(1)} ms, ` +
          `none due ${python.sweepIdleMs.toFixed(1)} ms`,
      );
    }
    figures.push(
      figure('CPU over one check interval, 1% due', 'ms', n, due.core, base(SEED, due.sweep)),
      figure(
        'CPU over one check interval, none due',
        'ms',
        n,
        due.idleCore,
        base(SEED, due.idleSweep),
      ),
    );
    console.log(
      `n=${n}: register ${core.register.toFixed(0)} ns, beat ${core.beat.toFixed(0)} ns, ` +
        `${coreMemory.session.toFixed(0)} B/session (+${bytesPerId.toFixed(0)} B id), ` +
        `1% due: ${due.core.toFixed(2)} ms vs sweep ${due.sweep.toFixed(2)} ms, ` +
        `none due: ${due.idleCore.toFixed(3)} ms vs ${due.idleSweep.toFixed(2)} ms`,
    );
  }
  console.log(`load average before the real-timer run: ${load()}`);
  const n = 100_000;
  const real = await coreLateness(n);
  const sweep = await sweepLateness(n);
  console.log(
    `lateness n=${n}: core p50 ${real.lateness.p50} p99 ${real.lateness.p99} max ${real.lateness.max} ms ` +
      `over ${real.transitions} (${real.spurious} of live sessions); sweep p50 ${sweep.lateness.p50} p99 ${sweep.lateness.p99} ms`,
  );
  figures.push(
    figure('lateness p50 (real timers)', 'ms', real.transitions, real.lateness.p50, {
      name: SEED,
      value: sweep.lateness.p50,
    }),
    figure(
      'lateness p99 (real timers)',
      'ms',
      real.transitions,
      real.lateness.p99,
      { name: SEED, value: sweep.lateness.p99 },
      'value <= 5',
    ),
    // A live session that got a warning: the pacer (in this process) fell behind.
    figure('transitions of live sessions (must be 0)', 'count', n, real.spurious, {
      name: SEED,
      value: sweep.spurious,
    }),
  );
  return figures;
}
