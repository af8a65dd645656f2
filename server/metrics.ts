import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import {
  SESSION_STATES,
  TRANSITION_KINDS,
  type SessionState,
  type TransitionKind,
} from '../shared/session.js';
import type { BeatVia, ConnectionKind, GatewayMetrics } from './context.js';

/** How many sessions are in each state, read at scrape time from the monitor's counters. */
export type StateCounts = () => Partial<Readonly<Record<SessionState, number>>>;

/** The gateway's Prometheus metrics, on a registry of their own. */
export interface PrometheusMetrics extends GatewayMetrics {
  readonly registry: Registry;
  transition(kind: TransitionKind): void;
  /** The exposition text of every metric. */
  scrape(): Promise<string>;
  readonly contentType: string;
  /** Stops the event-loop delay sampler. */
  close(): void;
}

const BEAT_VIAS: readonly BeatVia[] = ['message', 'ping', 'http', 'connect'];

let processRegistry: Registry | undefined;

/**
 * Node's defaults that cost O(connections) on every scrape, on the event loop: reading
 * `/proc/self/fd` (20,000 entries for a full gateway), or listing every active handle,
 * request and resource. `pulsegate_connections{kind}` says what they would.
 */
const PER_CONNECTION_DEFAULTS = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

/**
 * Node's default metrics, collected once per process: they describe the process, not one
 * gateway, and each `collectDefaultMetrics` starts a GC observer and an event-loop
 * histogram that nothing stops, so one collection per gateway would leak with each made.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    for (const name of PER_CONNECTION_DEFAULTS) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}
const CONNECTION_KINDS: readonly ConnectionKind[] = ['agent', 'dashboard'];

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const key of keys) counts[key] = 0;
  return counts;
}

/** Hands the counts gathered since the last scrape to `inc`, and starts them again at 0. */
function flush<K extends string>(
  counts: Record<K, number>,
  inc: (key: K, n: number) => void,
): void {
  for (const key of Object.keys(counts) as K[]) {
    const n = counts[key];
    if (n > 0) inc(key, n);
    counts[key] = 0;
  }
}

/**
 * Creates the metrics of one gateway: `pulsegate_sessions{state}`,
 * `pulsegate_transitions_total{kind}`, `pulsegate_connections{kind}`,
 * `pulsegate_beats_total{via}`, `pulsegate_event_loop_lag_seconds`, and Node's defaults.
 * Its own `Registry`, so two gateways in one process never share counters (Node's defaults,
 * which describe the process, are the one part they share).
 *
 * @example
 * ```ts
 * const metrics = createMetrics(() => monitor.countByState());
 * res.setHeader('content-type', metrics.contentType).end(await metrics.scrape());
 * ```
 */
export function createMetrics(stateCounts: StateCounts): PrometheusMetrics {
  const own = new Registry();

  new Gauge({
    name: 'pulsegate_sessions',
    help: 'Sessions by state.',
    labelNames: ['state'],
    registers: [own],
    collect() {
      const counts = stateCounts();
      for (const state of SESSION_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  // Beats and transitions are counted in plain integers and handed to prom-client at each
  // scrape: its `inc({ via })` hashes and validates the label object on every call, and
  // `beat` runs once per agent frame (`labels()` children only bind the same call).
  const beatCounts = zeros(BEAT_VIAS);
  const transitionCounts = zeros(TRANSITION_KINDS);
  const transitions = new Counter({
    name: 'pulsegate_transitions_total',
    help: 'Session transitions by kind.',
    labelNames: ['kind'],
    registers: [own],
    collect() {
      flush(transitionCounts, (kind, n) => this.inc({ kind }, n));
    },
  });
  const connections = new Gauge({
    name: 'pulsegate_connections',
    help: 'Open connections by kind.',
    labelNames: ['kind'],
    registers: [own],
  });
  const beats = new Counter({
    name: 'pulsegate_beats_total',
    help: 'Beats received, by the way they arrived.',
    labelNames: ['via'],
    registers: [own],
    collect() {
      flush(beatCounts, (via, n) => this.inc({ via }, n));
    },
  });
  // Labelled series exist from the start, so a dashboard sees zeros, not gaps.
  for (const kind of TRANSITION_KINDS) transitions.inc({ kind }, 0);
  for (const kind of CONNECTION_KINDS) connections.set({ kind }, 0);
  for (const via of BEAT_VIAS) beats.inc({ via }, 0);

  const delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  new Gauge({
    name: 'pulsegate_event_loop_lag_seconds',
    help: 'Event loop delay, 99th percentile since the previous scrape.',
    registers: [own],
    collect() {
      // The histogram counts in nanoseconds; it is reset so each scrape sees its own window.
      const p99 = delay.count > 0 ? delay.percentile(99) : 0;
      this.set(p99 / 1e9);
      delay.reset();
    },
  });

  const registry = Registry.merge([own, processMetrics()]);
  return {
    registry,
    contentType: registry.contentType,
    beat: (via) => {
      beatCounts[via] += 1;
    },
    connectionOpened: (kind) => connections.inc({ kind }),
    connectionClosed: (kind) => connections.dec({ kind }),
    transition: (kind) => {
      transitionCounts[kind] += 1;
    },
    scrape: () => registry.metrics(),
    close: () => delay.disable(),
  };
}
