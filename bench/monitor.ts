/**
 * `npm run bench -- monitor`: the heartbeat monitor core beside the seed's sweep, measured
 * in the same run. Writes bench/results/monitor.json.
 */
import { loadavg } from 'node:os';
import { figure, type Figure } from './lib/result.js';
import { makeIds, measureCore, measureDue, measureSeed } from './monitor/core.js';
import { memoryPerSession } from './monitor/memory.js';
import { coreLateness, sweepLateness } from './monitor/lateness.js';

const SIZES = [100_000, 1_000_000];
const SEED = 'seed sweep (Map, sweep every C)';

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
    const due = await measureDue(ids);
    figures.push(
      figure(
        'CPU over one check interval, 1% due',
        'ms',
        n,
        due.core,
        base(SEED, due.sweep),
        n === 1_000_000 ? 'ratio <= 0.01' : undefined,
      ),
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
