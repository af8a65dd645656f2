import type { SessionState, SessionStatus, TransitionKind } from '../../shared/session.js';

/** How a state is shown: text always, so the table never relies on colour alone. */
export interface StateLook {
  readonly label: string;
  /** A shape that differs per state, for readers who cannot tell the colours apart. */
  readonly glyph: string;
  /** CSS class carrying the colour. */
  readonly className: string;
}

const STATE_LOOKS: Readonly<Record<SessionState, StateLook>> = {
  healthy: { label: 'healthy', glyph: '●', className: 'state-healthy' },
  warning: { label: 'warning', glyph: '▲', className: 'state-warning' },
  paused: { label: 'paused', glyph: '❚❚', className: 'state-paused' },
  timed_out: { label: 'timed out', glyph: '✕', className: 'state-timed_out' },
  gone: { label: 'gone', glyph: '○', className: 'state-gone' },
};

export function stateLook(state: SessionState): StateLook {
  return STATE_LOOKS[state];
}

/** Severity order used when sorting by state: the worst first. */
export const STATE_SEVERITY: Readonly<Record<SessionState, number>> = {
  timed_out: 0,
  warning: 1,
  paused: 2,
  healthy: 3,
  gone: 4,
};

/** Feed colour of a transition kind: the state it usually leads to. */
const KIND_TONE: Readonly<Record<TransitionKind, SessionState>> = {
  registered: 'healthy',
  recovered: 'healthy',
  reconnected: 'healthy',
  resumed: 'healthy',
  warning: 'warning',
  missed: 'warning',
  paused: 'paused',
  timeout: 'timed_out',
  disconnected: 'gone',
  unregistered: 'gone',
};

export function kindClassName(kind: TransitionKind): string {
  return STATE_LOOKS[KIND_TONE[kind]].className;
}

/**
 * A compact, human duration that ticks once a second: `0 s`, `59 s`, `1 m 05 s`,
 * `2 h 03 m`, `3 d 04 h`. Negative input (clock skew) reads as `0 s`.
 */
export function formatSince(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${pad2(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad2(m % 60)} m`;
  return `${Math.floor(h / 24)} d ${pad2(h % 24)} h`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `k/M` when M is known, `k/?` otherwise. */
export function formatMissed(missedBeats: number, maxMissedBeats: number | undefined): string {
  return `${missedBeats}/${maxMissedBeats === undefined ? '?' : maxMissedBeats}`;
}

/** `agent: awaiting user input`, or an empty string when the session is not paused. */
export function formatPause(s: Pick<SessionStatus, 'paused' | 'pausedBy' | 'pauseReason'>): string {
  if (!s.paused) return '';
  const by = s.pausedBy ?? 'unknown';
  return s.pauseReason ? `${by}: ${s.pauseReason}` : by;
}

/** The wall-clock time of a transition, `HH:MM:SS.mmm` in local time. */
export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const ms = d.getMilliseconds();
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
}
