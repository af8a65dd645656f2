/**
 * Synchronous figures of the monitor core on fake time, each beside the seed-style sweep
 * baseline measured the same way: register and beat (both in the bench's process), and the
 * CPU spent over one check interval in which 1% of the sessions fall due (`measureDue`,
 * which due.ts runs in a fresh process per run).
 */
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { median } from '../lib/stats.js';
import { SeedSweepMonitor } from './seed-sweep.js';

export const T0 = Date.UTC(2026, 0, 1);
/** The contract's default policy. */
export const POLICY = { timeoutMs: 30_000, checkIntervalMs: 5_000, maxMissedBeats: 3 };
const BATCHES = 9;
const BATCH = 100_000;

/**
 * Full collections, then a pause: V8 finishes a collection's sweeping on background threads
 * (and idle-time tasks on the main one) after gc() returns, and the process's CPU time
 * counts those threads. At 1M sessions that left-over work was 60-95 ms in the second after
 * gc(), more than the whole 1%-due interval it used to be billed to.
 */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) gc();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
const SETTLE_MS = 1_000;

/** A start mark: the process's CPU time and the wall clock, in ns. */
interface Mark {
  readonly cpu: number;
  readonly wall: bigint;
}

function cpuNs(): Mark {
  const { user, system } = process.cpuUsage();
  return { cpu: (user + system) * 1000, wall: process.hrtime.bigint() };
}

/**
 * The time spent since `start`, in ns: the smaller of the process's CPU time and the wall
 * time. Every measured section is synchronous, so its wall time bounds the main thread's
 * work from above, and so does the process's CPU time (which also counts V8's background
 * threads). Linux's per-thread schedstat was used before: it moves only at scheduler ticks
 * (about 4 ms here), too coarse for a figure of 5-30 ms. Core and baseline are measured alike.
 */
function nsSince(start: Mark): number {
  const now = cpuNs();
  return Math.min(now.cpu - start.cpu, Number(now.wall - start.wall));
}

export function makeIds(n: number): string[] {
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = `session-${String(i).padStart(7, '0')}`;
  return ids;
}

export interface CoreFigures {
  readonly n: number;
  /** ns per register. */
  readonly register: number;
  /** ns per beat: the median of the batch means. */
  readonly beat: number;
}

/** Register, beat and memory of one implementation at `n` sessions. */
interface Subject {
  register(id: string): void;
  beat(id: string): void;
  tick(ms: number): void;
}

function coreSubject(): Subject & { monitor: HeartbeatMonitor } {
  const clock = new FakeClock(T0);
  const scheduler = new FakeScheduler(clock);
  const monitor = new HeartbeatMonitor({ clock, scheduler, policy: POLICY });
  monitor.start();
  return {
    monitor,
    register: (id) => monitor.register(id, 'agent'),
    beat: (id) => monitor.beat(id),
    tick: (ms) => scheduler.advance(ms),
  };
}

function seedSubject(): Subject & { seed: SeedSweepMonitor; now(): number } {
  let now = T0;
  const seed = new SeedSweepMonitor(POLICY.timeoutMs, POLICY.maxMissedBeats);
  return {
    seed,
    now: () => now,
    register: (id) => seed.register(id, 'agent', now),
    beat: (id) => seed.beat(id, now),
    tick: (ms) => {
      now += ms;
    },
  };
}

function measure(ids: readonly string[], make: () => Subject): CoreFigures {
  const n = ids.length;
  const subject = make();
  let start = cpuNs();
  for (let i = 0; i < n; i++) subject.register(ids[i] as string);
  const register = nsSince(start) / n;
  const means: number[] = [];
  const batch = Math.min(n, BATCH);
  for (let b = 0, offset = 0; b < BATCHES; b++) {
    subject.tick(1);
    start = cpuNs();
    for (let i = 0; i < batch; i++) subject.beat(ids[(offset + i) % n] as string);
    means.push(nsSince(start) / batch);
    offset = (offset + batch) % n;
  }
  return { n, register, beat: median(means) };
}

export function measureCore(ids: readonly string[]): CoreFigures {
  return measure(ids, coreSubject);
}

export function measureSeed(ids: readonly string[]): CoreFigures {
  return measure(ids, seedSubject);
}

/** The two subjects of the due interval: the core, and the JavaScript port of the sweep. */
export type DueSubject = 'core' | 'seed';

/**
 * One subject as the due interval drives it: `tick(ms)` only moves time (the core's
 * wake-ups run on the way), `interval(ms)` is the subject's work for the check interval
 * that ends `ms` from now (the core's wake-ups over it, the sweep's one pass at its end),
 * `warnings` counts the `warning`s seen and `size` the sessions left.
 */
interface DueRig {
  register(id: string): void;
  beat(id: string): void;
  tick(ms: number): void;
  interval(ms: number): void;
  readonly warnings: number;
  readonly size: number;
}

function dueRig(kind: DueSubject): DueRig {
  if (kind === 'core') {
    const core = coreSubject();
    let warnings = 0;
    core.monitor.subscribe((t) => {
      if (t.kind === 'warning') warnings++;
    });
    return {
      ...core,
      interval: (ms) => core.tick(ms),
      get warnings() {
        return warnings;
      },
      get size() {
        return core.monitor.registeredCount;
      },
    };
  }
  const seed = seedSubject();
  let warnings = 0;
  seed.seed.onWarning = () => {
    warnings++;
  };
  return {
    ...seed,
    // The seed's test is `now - last > timeout`: its sweep runs 1 ms past the interval's
    // end, and finds there everything that fell due in it.
    interval: (ms) => {
      seed.tick(ms);
      seed.seed.sweep(seed.now() + 1);
    },
    get warnings() {
      return warnings;
    },
    get size() {
      return seed.seed.sessions.size;
    },
  };
}

/**
 * Runs the due path of `rig` until the JIT has compiled it, in both shapes it takes:
 * sessions that fall due one per wake-up (30,000 silent sessions registered 1 ms apart,
 * three times) and many at one instant (30,000 registered at once), each through warning,
 * missed and timeout: 360,000 dues over 270,000 wake-ups, and as many sweeps for the
 * baseline. It runs on the rig that is then measured, as a gateway's one monitor runs all
 * day: warmed up on rigs of its own (until 2026-11-29 evening), the optimized code held
 * those rigs' objects weakly, and their collection threw it away ("weak objects" in
 * `--trace-deopt`), so the first measured interval ran the due path unoptimized and
 * compiled it again (30-50 ms at a million sessions instead of 8-12 ms).
 */
function warmUpDuePath(rig: DueRig): void {
  const ids = makeIds(30_000).map((id) => `warm-${id}`);
  for (const spread of [true, true, true, false]) {
    const before = rig.size;
    for (const id of ids) {
      if (spread) rig.tick(1);
      rig.register(id);
    }
    const span = spread ? ids.length : 0;
    for (let k = 0; k < 4; k++) rig.interval(POLICY.timeoutMs + span);
    if (rig.size !== before) throw new Error('warm-up: every silent session should have timed out');
  }
}

export interface DueFigures {
  readonly n: number;
  /** The sessions that fell due in the measured interval. */
  readonly due: number;
  /** ms of CPU over the interval in which 1% fall due. */
  readonly dueMs: number;
  /** ms of CPU over an interval in which nothing falls due. */
  readonly idleMs: number;
  /** When `dueMs` is the least of several runs: each run's. */
  readonly runs?: readonly number[];
}

/**
 * One fresh rig of `kind`, its due path warmed up; then n sessions, registered over 5 s
 * from S; 99% beat 10 s later, 1% stay silent. Over the check interval [S + 30 s,
 * S + 35 s) exactly the silent 1% fall due (their `warning`). The core's cost is its
 * wake-ups over that interval; the baseline's is the one sweep the seed runs per interval,
 * which finds the same 1%.
 */
export async function measureDue(kind: DueSubject, ids: readonly string[]): Promise<DueFigures> {
  const n = ids.length;
  const spread = POLICY.checkIntervalMs;
  const rig = dueRig(kind);
  warmUpDuePath(rig);
  const warnings = rig.warnings;
  // Session i registers, and beats, at ceil((i + 1) * spread / n) ms into its 5 s: every
  // n spans exactly 5 s (a run of fewer than 5,000 sessions used to span fewer ms, and its
  // silent sessions then fell due after the measured interval).
  let elapsed = 0;
  const keepPace = (i: number) => {
    const at = Math.ceil(((i + 1) * spread) / n);
    if (at > elapsed) rig.tick(at - elapsed);
    elapsed = at;
  };
  for (let i = 0; i < n; i++) {
    keepPace(i);
    rig.register(ids[i] as string);
  }
  rig.tick(10_000 - spread);
  elapsed = 0;
  for (let i = 0; i < n; i++) {
    keepPace(i);
    if (i % 100 !== 0) rig.beat(ids[i] as string);
  }
  // At S + 15 s: nothing falls due before S + 30 s, three check intervals in which the
  // seed sweeps anyway. The least of three, against the noise of a shared machine.
  let idleMs = Number.POSITIVE_INFINITY;
  for (let k = 1; k <= 3; k++) {
    await settle();
    const mark = cpuNs();
    rig.interval(POLICY.checkIntervalMs);
    idleMs = Math.min(idleMs, nsSince(mark) / 1e6);
  }
  // The silent sessions fall due in (S + 30 s, S + 35 s].
  await settle();
  const start = cpuNs();
  rig.interval(POLICY.checkIntervalMs);
  const dueMs = nsSince(start) / 1e6;
  const due = rig.warnings - warnings;
  if (due !== Math.ceil(n / 100)) {
    throw new Error(`due (${kind}): ${due} warnings, expected ${Math.ceil(n / 100)}`);
  }
  return { n, due, dueMs, idleMs };
}
