/**
 * Transition lateness with the real TimerScheduler: n sessions in one process, beaten by
 * a pacer every few ms so that each live session beats three times per timeout, 1% going
 * silent at spread moments. Each `warning`, `missed` and `timeout` of a silent session is
 * timed on delivery against its nominal time. The baseline runs the same scenario on the
 * seed-style sweep (every C): a transition waits for the next sweep.
 */
import { fileURLToPath } from 'node:url';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import { TimerScheduler } from '../../server/monitor/scheduler.js';
import { figuresFromChild } from '../lib/child-figures.js';
import { GATEWAY_NODE_FLAG } from '../servers/launch.js';
import { sleep } from '../lib/clock.js';
import { summarize, type Summary } from '../lib/stats.js';
import { makeIds } from './core.js';
import { SeedSweepMonitor } from './seed-sweep.js';

/** A short policy, so that the run takes seconds. */
export const LATENESS_POLICY = { timeoutMs: 6_000, checkIntervalMs: 1_000, maxMissedBeats: 3 };
const PACE_MS = 5;
const SILENCE_AFTER_MS = 2_000;

interface Run {
  readonly lateness: Summary;
  readonly spurious: number;
  readonly transitions: number;
}

interface Target {
  beat(id: string): void;
}

/** Beats every live session once per T/3, in slices every PACE_MS; silent ones stop. */
async function pace(ids: readonly string[], target: Target, silentAt: (i: number) => number) {
  const { timeoutMs: T, checkIntervalMs: C, maxMissedBeats: M } = LATENESS_POLICY;
  const period = Math.floor(T / 3);
  const start = Date.now();
  const end = start + SILENCE_AFTER_MS + period + T + (M - 1) * C + 300;
  let beaten = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    // Catch up to where the pacing says we should be: each session once per period.
    const owed = Math.floor(((now - start) / period) * ids.length);
    for (; beaten < owed; beaten++) {
      const i = beaten % ids.length;
      if (now - start < silentAt(i)) target.beat(ids[i] as string);
    }
  }, PACE_MS);
  await sleep(end - start);
  clearInterval(timer);
}

function silentAt(i: number): number {
  return i % 100 === 0 ? SILENCE_AFTER_MS : Number.POSITIVE_INFINITY;
}

export async function coreLateness(n: number): Promise<Run> {
  const ids = makeIds(n);
  const monitor = new HeartbeatMonitor({
    policy: LATENESS_POLICY,
    scheduler: new TimerScheduler(),
  });
  const late: number[] = [];
  let spurious = 0;
  monitor.subscribe((t) => {
    if (t.kind !== 'warning' && t.kind !== 'missed' && t.kind !== 'timeout') return;
    const index = Number(t.session.slice('session-'.length));
    if (silentAt(index) === Number.POSITIVE_INFINITY) spurious++;
    else late.push(Date.now() - t.at);
  });
  monitor.start();
  for (const id of ids) monitor.register(id, 'agent');
  await pace(ids, monitor, silentAt);
  monitor.stop();
  return { lateness: summarize(late), spurious, transitions: late.length };
}

export async function sweepLateness(n: number): Promise<Run> {
  const { timeoutMs: T, checkIntervalMs: C } = LATENESS_POLICY;
  const ids = makeIds(n);
  const seed = new SeedSweepMonitor(T, LATENESS_POLICY.maxMissedBeats);
  const late: number[] = [];
  let spurious = 0;
  const record = (id: string, k: number) => {
    const entry = seed.sessions.get(id);
    if (silentAt(Number(id.slice('session-'.length))) === Number.POSITIVE_INFINITY) spurious++;
    else if (entry !== undefined) late.push(Date.now() - (entry.lastBeat + T + (k - 1) * C));
  };
  // The seed's hooks: the first missed beat (warning) and the timeout (entry not yet deleted).
  seed.onWarning = (id) => record(id, 1);
  seed.onTimeout = (id) => record(id, LATENESS_POLICY.maxMissedBeats);
  for (const id of ids) seed.register(id, 'agent', Date.now());
  const sweeper = setInterval(() => seed.sweep(Date.now()), C);
  await pace(ids, { beat: (id) => seed.beat(id, Date.now()) }, silentAt);
  clearInterval(sweeper);
  return { lateness: summarize(late), spurious, transitions: late.length };
}

const SELF = fileURLToPath(import.meta.url);
/** The gateway's young generation (`npm start`). */
const YOUNG_GENERATION = [GATEWAY_NODE_FLAG];

/** What a child reports of one run: its lateness summary, and the counts. */
export interface LatenessFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly transitions: number;
  readonly spurious: number;
}

/**
 * One lateness run of `kind` at `n` sessions, in a fresh process: a gateway's heap holds its
 * own sessions only. Run in the bench's own process after the million-session figures, it
 * once measured p99 7 ms, where fresh processes gave 1-2 ms on the same machine (probably
 * the collection of those figures' garbage in its window).
 */
export function latenessInChild(kind: 'core' | 'seed', n: number): LatenessFigures {
  return figuresFromChild(
    SELF,
    [kind, String(n)],
    ['p50', 'p99', 'max', 'transitions', 'spurious'],
    YOUNG_GENERATION,
  );
}

if (process.argv[1] === SELF) {
  const n = Number(process.argv[3] ?? 1000);
  const run = process.argv[2] === 'seed' ? await sweepLateness(n) : await coreLateness(n);
  const { p50, p99, max } = run.lateness;
  const figures: LatenessFigures = {
    p50,
    p99,
    max,
    transitions: run.transitions,
    spurious: run.spurious,
  };
  process.stdout.write(JSON.stringify(figures));
}
