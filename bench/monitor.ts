/**
 * `npm run bench -- monitor`: the heartbeat monitor core beside the seed's sweep, measured
 * in the same run. Writes bench/results/monitor.json.
 */
import { loadavg } from 'node:os';
import { figure, type Figure } from './lib/result.js';
import { scaled } from './lib/scale.js';
import { makeIds, measureCore, measureSeed, type DueFigures } from './monitor/core.js';
import { duePerInterval } from './monitor/due.js';
import { measurePythonSeed } from './monitor/python-seed.js';
import { memoryPerSession } from './monitor/memory.js';
import { latenessInChild } from './monitor/lateness.js';

/** The sizes; `PULSEGATE_BENCH_SCALE` shrinks them for a smoke run. */
const SIZES = [100_000, 1_000_000].map((n) => scaled(n, 1_000));
const LARGEST = SIZES[SIZES.length - 1];
const SEED = 'seed sweep (Map, sweep every C)';
const PYTHON_SEED = 'the seed itself (bench/seed/heartbeat.py)';

/** One baseline's figures at one size, beside the core's. */
interface Baseline {
  readonly name: string;
  readonly register: number;
  readonly beat: number;
  readonly dueMs: number;
  readonly idleMs: number;
  /** B per session, ids excluded (measured for the JavaScript port only). */
  readonly memory?: number;
}

/** The runs behind a least-of figure, for the log. */
function runsOf(d: DueFigures): string {
  return (d.runs ?? [d.dueMs]).map((ms) => ms.toFixed(2)).join(' / ');
}

export async function runMonitor(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(`load average at start: ${load()}`);
  for (const n of SIZES) {
    const ids = makeIds(n);
    const seed = measureSeed(ids);
    const core = measureCore(ids);
    const coreMemory = memoryPerSession('core', n);
    const seedMemory = memoryPerSession('seed', n);
    const bytesPerId = coreMemory.id;
    // Each in a fresh process, as a gateway's heap holds its own sessions only (due.ts).
    const coreDue = duePerInterval('core', n);
    const seedDue = duePerInterval('seed', n);
    const python = measurePythonSeed(n);
    const at1M = (target: string) => (n === LARGEST ? target : undefined);
    // Two baselines: the seed ported to JavaScript (charitably: see seed-sweep.ts), and the
    // seed itself, in Python. The targets stand against both, but for the 1%-due
    // interval's "100 times less CPU than the sweep", which the issue measures against the
    // seed itself (70 ms per sweep at 100,000 sessions, over 1 s at a million): the port
    // sweeps a million in about 10 ms, and 100 times less would leave 10 ns for each of the
    // 10,000 transitions the interval must emit, less than allocating one. Its row stays,
    // with no target, unless the seed itself could not be run (no python3): then the
    // target is judged against the port, so that it is never silently not judged.
    const baselines: Baseline[] = [
      {
        name: SEED,
        register: seed.register,
        beat: seed.beat,
        dueMs: seedDue.dueMs,
        idleMs: seedDue.idleMs,
        memory: seedMemory.session,
      },
    ];
    if (python !== undefined) {
      baselines.push({
        name: `${PYTHON_SEED}, Python ${python.python}`,
        register: python.registerNs,
        beat: python.beatNs,
        dueMs: python.sweepDueMs,
        idleMs: python.sweepIdleMs,
      });
    }
    for (const b of baselines) {
      const base = (value: number, target?: string) => ({ name: b.name, value, target });
      figures.push(
        figure('register', 'ns/op', n, core.register, base(b.register)),
        figure(
          'beat (median of batch means)',
          'ns/op',
          n,
          core.beat,
          base(b.beat, at1M('value <= 1000')),
        ),
        figure(
          'CPU over one check interval, 1% due',
          'ms',
          n,
          coreDue.dueMs,
          base(
            b.dueMs,
            b.name === SEED && python !== undefined ? undefined : at1M('ratio <= 0.01'),
          ),
        ),
        figure('CPU over one check interval, none due', 'ms', n, coreDue.idleMs, base(b.idleMs)),
      );
      if (b.memory !== undefined) {
        figures.push(
          figure(
            'memory per session (ids excluded)',
            'B',
            n,
            coreMemory.session,
            base(b.memory, at1M('value <= 300')),
          ),
          figure(
            'memory per session (with the id string)',
            'B',
            n,
            coreMemory.session + bytesPerId,
            base(b.memory + bytesPerId, at1M('value <= 300')),
          ),
        );
      }
      console.log(
        `n=${n} against ${b.name}: register ${b.register.toFixed(0)} ns, beat ${b.beat.toFixed(0)} ns, ` +
          `1% due ${b.dueMs.toFixed(2)} ms, none due ${b.idleMs.toFixed(2)} ms`,
      );
    }
    console.log(
      `n=${n}: core: register ${core.register.toFixed(0)} ns, beat ${core.beat.toFixed(0)} ns, ` +
        `${coreMemory.session.toFixed(0)} B/session (+${bytesPerId.toFixed(0)} B id), ` +
        `1% due ${coreDue.dueMs.toFixed(2)} ms (runs ${runsOf(coreDue)}, the sweep's ${runsOf(seedDue)}), ` +
        `none due ${coreDue.idleMs.toFixed(3)} ms`,
    );
  }
  console.log(`load average before the real-timer run: ${load()}`);
  const n = scaled(100_000, 1_000);
  // Each in a fresh process, as the due interval and the memory are (lateness.ts).
  const real = latenessInChild('core', n);
  const sweep = latenessInChild('seed', n);
  console.log(
    `lateness n=${n}: core p50 ${real.p50} p99 ${real.p99} max ${real.max} ms ` +
      `over ${real.transitions} (${real.spurious} of live sessions); sweep p50 ${sweep.p50} p99 ${sweep.p99} ms`,
  );
  figures.push(
    figure('lateness p50 (real timers)', 'ms', real.transitions, real.p50, {
      name: SEED,
      value: sweep.p50,
    }),
    figure(
      'lateness p99 (real timers)',
      'ms',
      real.transitions,
      real.p99,
      { name: SEED, value: sweep.p99 },
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
