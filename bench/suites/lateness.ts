/**
 * `lateness`: 19,000 agents connected and beating once a second, 1% going silent. Each
 * `warning` and `timeout` is timed where it lands, at a dashboard, against its nominal
 * time computed here: the agent's last beat (its send time) + T (+ (M-1)·C for the
 * timeout). Baseline: the seed's sweep (every C, over every session) applied to the
 * same last beats: a transition waits for the next sweep.
 */
import { AgentLoader, DashboardLoader } from '../load/fleet.js';
import { monoMs, sleep } from '../lib/clock.js';
import { num, str } from '../lib/fields.js';
import { figure, type Figure } from '../lib/result.js';
import { scaled } from '../lib/scale.js';
import { summarize, type Summary } from '../lib/stats.js';
import { startGateway } from '../servers/launch.js';

/**
 * A short policy so that a run takes seconds: T = 10 s, C = 1 s, M = 3. Agents beat every
 * 2 s, so a loaded generator has 8 s of slack before a beating agent looks silent.
 */
export const LATENESS_POLICY = { timeoutMs: 10_000, checkIntervalMs: 1000, maxMissedBeats: 3 };
const BEAT_PERIOD_MS = 2000;

/** The seed's sweep: the first sweep after L + T counts a miss; M sweeps make a timeout. */
export function sweepLateness(
  lastBeats: readonly number[],
  sweepStart: number,
  policy = LATENESS_POLICY,
): number[] {
  const { timeoutMs: t, checkIntervalMs: c } = policy;
  return lastBeats.map((l) => {
    const due = l + t;
    // seed: `now - last_beat > timeout`, checked at sweepStart + j*C, j >= 1.
    const j = Math.max(1, Math.floor((due - sweepStart) / c) + 1);
    return sweepStart + j * c - due;
  });
}

/** 1% of the agents, at least 5. */
const silentCount = (agents: number): number => Math.max(5, Math.round(agents / 100));

interface Observed {
  /** Arrival (wall clock) minus the transition's own `at`: timer + fan-out, no ingestion. */
  readonly afterAt: number[];
  readonly timeoutAfterAt: number[];
  readonly warnings: number[];
  readonly timeouts: number[];
  readonly spurious: number;
  readonly silent: number;
  /** Sessions closed before the silence began (4010: a beating agent timed out). */
  readonly lostEarly: number;
  /** Beats the generator could not send in time (it was starved of CPU). */
  readonly shed: number;
  readonly lastBeats: number[];
}

async function observe(port: number, agents: number): Promise<Observed> {
  const { timeoutMs: T, checkIntervalMs: C, maxMissedBeats: M } = LATENESS_POLICY;
  // The dashboard is the observer, not load: unpinned, so that its arrival times are not
  // its own wait for core 1 behind the generator sending 9,500 beats a second.
  const dashboards = await DashboardLoader.start('any');
  const loader = await AgentLoader.start();
  try {
    // Beating starts before the ramp: the first agents must not time out while the last
    // ones connect. Each agent is visited every BEAT_PERIOD_MS, open or not.
    await loader.pace('message', (agents * 1000) / BEAT_PERIOD_MS);
    await loader.connect(port, agents, 'l-', 100);
    // The dashboard comes after the ramp (19,000 `registered` would fill its buffer at the
    // gateway, which then cuts it as a slow reader), with the light client (cheap to read).
    await dashboards.connect(port, 1, 'light');
    await sleep(3000);
    const early = await loader.counters();
    const lostEarly = Object.values(early.closeCodes).reduce((a, b) => a + b, 0);
    if (lostEarly > 0) console.warn('lateness: agents closed before the silence', early.closeCodes);
    await dashboards.take();
    const silenced = await loader.silence(silentCount(agents), 3000);
    await sleep(T + (M - 1) * C + 1500);
    const taken = await dashboards.take();
    const lastBeat = new Map<string, number>();
    silenced.ids.forEach((id, i) => lastBeat.set(id, silenced.lastBeats[i] ?? Number.NaN));
    const warnings: number[] = [];
    const timeouts: number[] = [];
    const afterAt: number[] = [];
    const timeoutAfterAt: number[] = [];
    let spurious = 0;
    for (const a of taken.arrivals) {
      const last = lastBeat.get(str(a, 'session'));
      const kind = str(a, 'kind');
      if (last === undefined) {
        if (kind === 'warning') spurious++;
        continue;
      }
      const arrived = num(a, 'arrivedMono');
      const sinceAt = num(a, 'arrivedWall') - num(a, 'at');
      if (kind === 'warning') afterAt.push(sinceAt);
      if (kind === 'timeout') timeoutAfterAt.push(sinceAt);
      if (kind === 'warning') warnings.push(arrived - (last + T));
      if (kind === 'timeout') timeouts.push(arrived - (last + T + (M - 1) * C));
    }
    return {
      afterAt: afterAt.filter(Number.isFinite),
      timeoutAfterAt: timeoutAfterAt.filter(Number.isFinite),
      warnings: warnings.filter(Number.isFinite),
      timeouts: timeouts.filter(Number.isFinite),
      spurious,
      silent: silenced.ids.length,
      lostEarly,
      shed: (await loader.counters()).shed,
      lastBeats: silenced.lastBeats,
    };
  } finally {
    await loader.close().catch(() => {});
    await Promise.all([loader.stop(), dashboards.stop()]);
  }
}

/** Arrival after the transition's own `at` (wall clock): the gateway's timer and fan-out. */
function afterItsAt(kind: string, samples: readonly number[]): Figure[] {
  const s = summarize(samples);
  return [
    figure(`${kind} arrival after its own \`at\` p50`, 'ms', s.n, s.p50),
    figure(`${kind} arrival after its own \`at\` p99`, 'ms', s.n, s.p99),
  ];
}

export async function runLateness(): Promise<Figure[]> {
  const { timeoutMs: T, checkIntervalMs: C, maxMissedBeats: M } = LATENESS_POLICY;
  const agents = scaled(19_000, 100);
  const sweepStart = monoMs();
  const gateway = await startGateway({
    env: {
      PULSEGATE_TIMEOUT_MS: String(T),
      PULSEGATE_CHECK_INTERVAL_MS: String(C),
      PULSEGATE_MAX_MISSED_BEATS: String(M),
    },
  });
  const seen = await observe(gateway.port, agents).finally(() => gateway.stop());
  const { warnings, timeouts, spurious, silent } = seen;
  const expectedSilent = silentCount(agents);
  const sweep = summarize(sweepLateness(seen.lastBeats, sweepStart));
  const seed = 'seed sweep (simulated)';
  const rows = (label: string, s: Summary): Figure[] => [
    figure(`${label} lateness p50`, 'ms', s.n, s.p50, { name: seed, value: sweep.p50 }),
    figure(
      `${label} lateness p99`,
      'ms',
      s.n,
      s.p99,
      { name: seed, value: sweep.p99 },
      'value <= 20',
    ),
    figure(
      `${label} lateness max`,
      'ms',
      s.n,
      s.max,
      { name: seed, value: sweep.max },
      'value <= 100',
    ),
  ];
  return [
    ...rows('warning', summarize(warnings)),
    ...rows('timeout', summarize(timeouts)),
    ...afterItsAt('warning', seen.afterAt),
    ...afterItsAt('timeout', seen.timeoutAfterAt),
    figure('beats shed by the generator', 'beats', agents, seen.shed),
    figure(
      'agents lost before the silence',
      'sessions',
      agents,
      seen.lostEarly,
      undefined,
      'value <= 0',
    ),
    figure('silent agents', 'sessions', agents, silent, undefined, `value >= ${expectedSilent}`),
    figure(
      'warnings received',
      'transitions',
      silent,
      warnings.length,
      undefined,
      `value >= ${silent}`,
    ),
    figure(
      'timeouts received',
      'transitions',
      silent,
      timeouts.length,
      undefined,
      `value >= ${silent}`,
    ),
    figure(
      'spurious warnings (beating agents)',
      'transitions',
      agents,
      spurious,
      undefined,
      'value <= 0',
    ),
  ];
}
