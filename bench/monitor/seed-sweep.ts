/**
 * The baseline: the seed's `HeartbeatMonitor` (shared/seed/heartbeat.py) ported to
 * JavaScript as charitably as possible. Sessions sit in a Map; every check interval one
 * sweep visits every session (`_check_heartbeats`). The port skips the seed's copy of the
 * session list (a Map tolerates deletion while iterating) and calls its hooks without
 * awaiting them, so it is faster than a literal port.
 */
interface SeedEntry {
  readonly sessionId: string;
  readonly agentType: string;
  lastBeat: number;
  missedBeats: number;
}

export class SeedSweepMonitor {
  readonly sessions = new Map<string, SeedEntry>();
  private readonly paused = new Set<string>();
  onWarning: (sessionId: string, missedBeats: number) => void = () => {};
  onTimeout: (sessionId: string, agentType: string) => void = () => {};

  constructor(
    private readonly timeoutMs: number,
    private readonly maxMissedBeats: number,
  ) {}

  register(sessionId: string, agentType: string, now: number): void {
    this.sessions.set(sessionId, { sessionId, agentType, lastBeat: now, missedBeats: 0 });
  }

  beat(sessionId: string, now: number): boolean {
    const entry = this.sessions.get(sessionId);
    if (entry === undefined) return false;
    entry.lastBeat = now;
    entry.missedBeats = 0;
    return true;
  }

  pause(sessionId: string): boolean {
    if (!this.sessions.has(sessionId)) return false;
    this.paused.add(sessionId);
    return true;
  }

  /** `_check_heartbeats`: one visit of every session. */
  sweep(now: number): void {
    const timedOut: SeedEntry[] = [];
    for (const [id, entry] of this.sessions) {
      if (this.paused.has(id)) continue;
      if (now - entry.lastBeat > this.timeoutMs) {
        entry.missedBeats += 1;
        if (entry.missedBeats === 1) this.onWarning(id, entry.missedBeats);
        if (entry.missedBeats >= this.maxMissedBeats) timedOut.push(entry);
      }
    }
    for (const entry of timedOut) {
      this.onTimeout(entry.sessionId, entry.agentType);
      this.sessions.delete(entry.sessionId);
      this.paused.delete(entry.sessionId);
    }
  }
}
