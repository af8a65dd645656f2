/**
 * Memory per session, measured in a fresh process so that nothing of an earlier measure
 * can be collected in between: `node --expose-gc memory.js core|seed N` prints the heap
 * bytes per session after registering N sessions (their id strings made beforehand).
 */
import { fileURLToPath } from 'node:url';
import { figuresFromChild } from '../lib/child-figures.js';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { SeedSweepMonitor } from './seed-sweep.js';

const SELF = fileURLToPath(import.meta.url);
const POLICY = { timeoutMs: 30_000, checkIntervalMs: 5_000, maxMissedBeats: 3 };
/**
 * A time of today, as a gateway's clock gives, for both sides: V8 keeps a number past 2^31
 * in an object field as a separate 16 B box, and a clock at 0 (used until 2026-11-29
 * 17:00 UTC) hid those boxes: 32 B per session of the core, 16 B of the seed's port.
 */
const TODAY = Date.UTC(2026, 0, 1);

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per session of `kind` at `n` sessions, and per id string, from a child. */
export function memoryPerSession(
  kind: 'core' | 'seed',
  n: number,
): { session: number; id: number } {
  return figuresFromChild(SELF, [kind, String(n)], ['session', 'id']);
}

function main(kind: string, n: number): void {
  const empty = heap();
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = `session-${String(i).padStart(7, '0')}`;
  const before = heap();
  const id = (before - empty) / n - 8; // less the array slot
  let keep: unknown;
  if (kind === 'core') {
    const clock = new FakeClock(TODAY);
    const monitor = new HeartbeatMonitor({
      clock,
      scheduler: new FakeScheduler(clock),
      policy: POLICY,
    });
    monitor.start();
    for (const s of ids) monitor.register(s, 'agent');
    keep = monitor;
  } else {
    const seed = new SeedSweepMonitor(POLICY.timeoutMs, POLICY.maxMissedBeats);
    for (const s of ids) seed.register(s, 'agent', TODAY);
    keep = seed;
  }
  const session = (heap() - before) / n;
  process.stdout.write(JSON.stringify({ session, id, kept: keep !== undefined }));
}

if (process.argv[1] === SELF) main(process.argv[2] ?? 'core', Number(process.argv[3] ?? 1000));
