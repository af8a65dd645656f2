/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME...` runs those named. Each
 * prints its table and writes bench/results/NAME.json (bench/lib/result.ts).
 */
import { printFigures, writeResult, type Figure } from './lib/result.js';
import { runMonitor } from './monitor.js';
import { runSuite, SUITE_NAMES } from './suites/registry.js';

/** Benchmarks that run in this process; the suites against the bare libraries come after. */
const IN_PROCESS: Readonly<Record<string, () => Promise<Figure[]>>> = {
  monitor: runMonitor,
};

const all = [...Object.keys(IN_PROCESS), ...SUITE_NAMES];
const names = process.argv.slice(2);
const unknown = names.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : all) {
  const run = IN_PROCESS[name];
  if (run === undefined) {
    await runSuite(name);
    continue;
  }
  const started = Date.now();
  const figures = await run();
  printFigures(`${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`, figures);
  writeResult(name, figures);
}
process.exit(0);
