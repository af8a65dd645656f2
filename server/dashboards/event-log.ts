import type { Logger } from 'pino';
import type { Transition } from '../../shared/session.js';
import type { Limits } from '../context.js';
import type { EventLog } from '../edges.js';
import type { Clock, Monitor, MonitorTransition } from '../monitor/types.js';
import { EventRing } from './event-ring.js';

/** The hard cap of the retained log, as a multiple of `retainEvents`. */
const HARD_CAP_FACTOR = 10;

type Listener = (transition: Transition, encoded: string) => void;

/** The event log, plus the means to stop listening to the monitor. */
export interface LocalEventLog extends EventLog {
  close(): void;
}

/** A monitor transition as dashboards see it: with `seq` and an ISO-8601 `at`. */
export function stamp(t: MonitorTransition, seq: number): Transition {
  const out: Transition = {
    seq,
    at: new Date(t.at).toISOString(),
    kind: t.kind,
    session: t.session,
    agentType: t.agentType,
    tenant: t.tenant,
    state: t.state,
    missedBeats: t.missedBeats,
    maxMissedBeats: t.maxMissedBeats,
  };
  // Optional fields are absent, not undefined, so that the encoding stays minimal.
  if (t.by !== undefined) out.by = t.by;
  if (t.reason !== undefined) out.reason = t.reason;
  if (t.status !== undefined) out.status = t.status;
  return out;
}

/**
 * Creates the single-node event log over a monitor: every transition gets the next `seq`,
 * is encoded once, retained for `since` recovery, and handed to the subscribers.
 *
 * @example
 * ```ts
 * const events = createEventLog({ monitor, limits, clock });
 * events.subscribe((t, encoded) => fanOut(t, encoded));
 * events.since(41); // what a dashboard that saw seq 41 missed, or undefined
 * ```
 */
export function createEventLog(options: {
  monitor: Monitor;
  limits: Limits;
  clock: Clock;
  log?: Logger;
}): LocalEventLog {
  const { monitor, limits, clock, log } = options;
  const ring = new EventRing<Transition>({
    minEvents: limits.retainEvents,
    minMs: limits.retainMs,
    maxEvents: limits.retainEvents * HARD_CAP_FACTOR,
  });
  const listeners = new Set<Listener>();
  let seq = 0;

  const unsubscribe = monitor.subscribe((t) => {
    seq += 1;
    const transition = stamp(t, seq);
    const encoded = JSON.stringify(transition);
    ring.push({ seq, value: transition, storedAt: clock.now() });
    for (const listener of listeners) {
      try {
        listener(transition, encoded);
      } catch (error) {
        // One failing subscriber must not starve the others, nor the monitor.
        log?.error({ err: error }, 'event log subscriber failed');
      }
    }
  });

  return {
    get seq() {
      return seq;
    },
    since(after) {
      if (!Number.isSafeInteger(after) || after < 0 || after > seq) return undefined;
      if (after === seq) return [];
      return ring.after(after)?.map((e) => e.value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      unsubscribe();
      listeners.clear();
    },
  };
}
