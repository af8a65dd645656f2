import type { Policy } from '../../shared/session.js';

/** What a simulated agent does, over and over, so every transition kind keeps showing. */
export type Role =
  /** Beats with changing status text. */
  | 'steady'
  /** Works, pauses "awaiting user input", resumes; every other time it crashes while paused. */
  | 'asker'
  /** Goes silent long enough for `warning` and `missed`, then beats again (`recovered`). */
  | 'straggler'
  /** Crashes (no `bye`) and its client comes back (`disconnected`, `reconnected`). */
  | 'crasher'
  /** Goes silent until it times out, then starts over as a new session. */
  | 'vanisher'
  /** Says `bye` (`unregistered`), then registers again. */
  | 'finisher';

/** The roles, in the order agents are dealt them: every role early, steady ones often. */
export const ROLE_CYCLE: readonly Role[] = [
  'straggler',
  'asker',
  'crasher',
  'vanisher',
  'finisher',
  'steady',
  'asker',
  'steady',
  'straggler',
  'crasher',
];

export const DEMO_AGENT_TYPES: readonly string[] = ['planner', 'coder', 'reviewer'];

/** The demo's short policy, so that timeouts happen within a minute. */
export const DEMO_POLICY: Policy = { timeoutMs: 5_000, checkIntervalMs: 2_000, maxMissedBeats: 3 };

/** The durations of one simulated agent's script, all in ms. */
export interface Timing {
  /** A working stretch lasts between `workMinMs` and twice that. */
  readonly workMinMs: number;
  /** Time between status updates while working. */
  readonly statusEveryMs: number;
  /** How long a pause for user input lasts. */
  readonly pauseMs: number;
  /** A silence that warns and misses beats but ends before the timeout. */
  readonly silenceMs: number;
  /** Time a finisher waits before it registers again. */
  readonly awayMs: number;
  /** Longest wait for the gateway to react (a timeout, a reconnect) before moving on. */
  readonly patienceMs: number;
}

/**
 * The script's durations for a policy, scaled by `scale` (1 in the demo; less in tests).
 * The silence is T + (M - 2)·C + C/2: long enough for every missed beat but the last.
 */
export function timingFor(policy: Policy, scale: number): Timing {
  const { timeoutMs: t, checkIntervalMs: c, maxMissedBeats: m } = policy;
  return {
    workMinMs: Math.round(4_000 * scale),
    statusEveryMs: Math.max(100, Math.round(1_500 * scale)),
    pauseMs: Math.round(5_000 * scale),
    silenceMs: m >= 2 ? t + (m - 2) * c + Math.round(c / 2) : Math.round(t / 2),
    awayMs: Math.round(3_000 * scale),
    patienceMs: t + m * c + Math.round(10_000 * scale),
  };
}

/** The policy scaled by `scale`, each value at least 1 (policies are positive integers). */
export function scaledPolicy(policy: Policy, scale: number): Policy {
  return {
    timeoutMs: Math.max(1, Math.round(policy.timeoutMs * scale)),
    checkIntervalMs: Math.max(1, Math.round(policy.checkIntervalMs * scale)),
    maxMissedBeats: policy.maxMissedBeats,
  };
}

const STATUS_TEXT: Readonly<Record<string, (n: number) => string>> = {
  planner: (n) => `planning step ${n}`,
  coder: (n) => `editing file ${n} of 40`,
  reviewer: (n) => `reviewing change #${1000 + n}`,
};

export function statusText(agentType: string, n: number): string {
  return (STATUS_TEXT[agentType] ?? ((k: number) => `working, step ${k}`))(n);
}
