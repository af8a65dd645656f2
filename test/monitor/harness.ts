import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import type { MonitorOptions } from '../../server/monitor/options.js';
import { FakeClock, FakeScheduler } from '../../server/monitor/fake-time.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

export const T0 = Date.UTC(2026, 0, 1);

/** A started monitor on fake time, recording every transition as `kind@ms session k` lines. */
export function harness(options: Omit<MonitorOptions, 'clock' | 'scheduler'> = {}) {
  const clock = new FakeClock(T0);
  const scheduler = new FakeScheduler(clock);
  const monitor = new HeartbeatMonitor({ ...options, clock, scheduler });
  const transitions: MonitorTransition[] = [];
  monitor.subscribe((t) => transitions.push(t));
  monitor.start();
  return {
    monitor,
    clock,
    scheduler,
    transitions,
    /** Advances to `ms` after T0. */
    at(ms: number): void {
      scheduler.advanceTo(T0 + ms);
    },
    /** Compact lines of the transitions so far, then clears them. */
    take(): string[] {
      const lines = transitions.map((t) => {
        const extra = [t.by, t.reason].filter((x) => x !== undefined).join(',');
        return `${t.kind}@${t.at - T0} ${t.session} ${t.state} ${t.missedBeats}${extra ? ` ${extra}` : ''}`;
      });
      transitions.length = 0;
      return lines;
    },
  };
}
