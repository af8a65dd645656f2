/**
 * Runs the suites against the bare libraries on their own:
 * `node dist/bench/suites/main.js [NAME...]` (all of them without a name).
 */
import { runSuite, SUITE_NAMES } from './registry.js';

const names = process.argv.slice(2);
for (const name of names.length > 0 ? names : SUITE_NAMES) {
  await runSuite(name);
}
process.exit(0);
