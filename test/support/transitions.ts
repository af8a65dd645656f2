import type { Monitor, MonitorTransition } from '../../server/monitor/types.js';

/** Records a monitor's transitions and lets a test await the next matching one. */
export class TransitionRecorder {
  readonly seen: MonitorTransition[] = [];
  private waiters: {
    test: (t: MonitorTransition) => boolean;
    resolve: (t: MonitorTransition) => void;
  }[] = [];
  readonly stop: () => void;

  constructor(monitor: Monitor) {
    this.stop = monitor.subscribe((t) => {
      this.seen.push(t);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(t)) return true;
        w.resolve(t);
        return false;
      });
    });
  }

  /** The first transition, seen already or to come, that passes `test`. */
  waitFor(test: (t: MonitorTransition) => boolean): Promise<MonitorTransition> {
    const seen = this.seen.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  kinds(session: string, tenant = 'default'): string[] {
    return this.seen.filter((t) => t.session === session && t.tenant === tenant).map((t) => t.kind);
  }
}
