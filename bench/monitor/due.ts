/**
 * The CPU of one check interval in which 1% of the sessions fall due, for one subject, in a
 * fresh process: `node --expose-gc due.js core|seed N` prints one run's figures, and
 * `duePerInterval` keeps the least of `DUE_RUNS` such processes.
 *
 * Why a process of its own: a gateway's heap holds its own sessions only. Measured in one
 * process, each side's interval paid for the other's million sessions in the same heap
 * (more pages, more TLB and cache misses: the core's interval measured 11-18 ms with the
 * sweep's million beside it against 7-10 ms without, on the same machine), and dropping
 * the other's sessions in between left each side in the memory the other had freed, which
 * was slower still. The memory figure is measured the same way (memory.ts).
 *
 * Why `YOUNG_GENERATION`: before each interval the bench forces full collections (see
 * `settle`), and V8 then shrinks the young generation to its least, 1 MB, which a running
 * gateway's never is. Each interval then paid 4-5 scavenges, each 1-3 ms at a million
 * sessions: 8-9 of the core's 17-18 ms, measured with `--trace-gc`. The children run with
 * the young generation `npm start` gives the gateway (8 MB semi-spaces), pinned there.
 */
import { fileURLToPath } from 'node:url';
import { figuresFromChild } from '../lib/child-figures.js';
import { GATEWAY_NODE_FLAG } from '../servers/launch.js';
import { makeIds, measureDue, type DueFigures, type DueSubject } from './core.js';

const SELF = fileURLToPath(import.meta.url);
/** On a shared machine noise only ever adds: the least of three, as `sweep.py` keeps. */
const DUE_RUNS = 3;
/** The gateway's young generation (`npm start`), kept at that size through `settle`. */
const YOUNG_GENERATION = [GATEWAY_NODE_FLAG, '--min-semi-space-size=8'];

/** One run of `kind`'s due interval at `n` sessions, in a fresh child process. */
function dueInChild(kind: DueSubject, n: number): DueFigures {
  const figures = figuresFromChild(
    SELF,
    [kind, String(n)],
    ['due', 'dueMs', 'idleMs'],
    ['--expose-gc', ...YOUNG_GENERATION],
  );
  return { n, ...figures };
}

/** The least of `DUE_RUNS` runs of `kind`'s due interval at `n` sessions, each in a child. */
export function duePerInterval(kind: DueSubject, n: number): DueFigures {
  const runs: DueFigures[] = [];
  for (let r = 0; r < DUE_RUNS; r++) runs.push(dueInChild(kind, n));
  const least = (f: (d: DueFigures) => number) => Math.min(...runs.map(f));
  return {
    n,
    due: runs[0]?.due ?? 0,
    dueMs: least((d) => d.dueMs),
    idleMs: least((d) => d.idleMs),
    runs: runs.map((d) => d.dueMs),
  };
}

if (process.argv[1] === SELF) {
  const kind = process.argv[2] === 'seed' ? 'seed' : 'core';
  const figures = await measureDue(kind, makeIds(Number(process.argv[3] ?? 1000)));
  process.stdout.write(JSON.stringify(figures));
}
