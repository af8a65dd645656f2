import { PulsegateError } from '../../shared/errors.js';
import type { Policy } from '../../shared/session.js';
import { normalizeMaxPause, normalizePolicies, normalizePolicy } from './policy.js';
import type { SessionStore } from './store.js';
import type { Clock, MonitorTransition, Scheduler } from './types.js';

/** What failed, for the error reporter: a subscriber, or one of the seed-style hooks. */
export interface MonitorErrorContext {
  readonly source: 'listener' | 'onWarning' | 'onTimeout';
  readonly transition: MonitorTransition;
}

/** Receives every error thrown or rejected by a handler; the gateway logs them with pino. */
export type MonitorErrorReporter = (error: unknown, context: MonitorErrorContext) => void;

export interface MonitorOptions {
  /** The default policy; missing fields take the contract's defaults (30 s, 5 s, 3). */
  readonly policy?: Partial<Policy>;
  /** Per-agent-type policies; missing fields take `policy`'s values. */
  readonly policies?: Readonly<Record<string, Partial<Policy>>>;
  /** A pause ends by itself after this long (`resumed` by `gateway`, reason `max_pause`). 0: never. */
  readonly maxPauseMs?: number;
  /** Most deadlines handled in one wake-up before the loop is let go (default 10,000). */
  readonly maxDuePerWake?: number;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /** Where sessions are kept (default: a fresh in-memory store). */
  readonly store?: SessionStore;
  /** Default: errors are dropped. The gateway passes a logger. */
  readonly onError?: MonitorErrorReporter;
  /** The seed's hook: the first missed beat of a session. May be async; errors are isolated. */
  readonly onWarning?: (
    sessionId: string,
    missedBeats: number,
    transition: MonitorTransition,
  ) => void | Promise<void>;
  /** The seed's hook: a session timed out (it is already removed). May be async. */
  readonly onTimeout?: (
    sessionId: string,
    agentType: string,
    transition: MonitorTransition,
  ) => void | Promise<void>;
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'policy',
  'policies',
  'maxPauseMs',
  'maxDuePerWake',
  'clock',
  'scheduler',
  'store',
  'onError',
  'onWarning',
  'onTimeout',
]);

export interface MonitorSettings {
  readonly policy: Policy;
  readonly policies: ReadonlyMap<string, Policy>;
  readonly maxPauseMs: number;
  readonly maxDuePerWake: number;
}

const DEFAULT_MAX_DUE_PER_WAKE = 10_000;

/**
 * Checks monitor options once, at construction: unknown keys and invalid numbers throw a
 * `PulsegateError('invalid')` that names the setting.
 */
export function normalizeMonitorOptions(options: MonitorOptions): MonitorSettings {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new PulsegateError('invalid', `${key} is not a known setting`);
  }
  for (const key of ['onError', 'onWarning', 'onTimeout'] as const) {
    const hook: unknown = options[key];
    if (hook !== undefined && typeof hook !== 'function') {
      throw new PulsegateError('invalid', `${key} must be a function`);
    }
  }
  const policy = normalizePolicy(options.policy);
  const perDue = options.maxDuePerWake ?? DEFAULT_MAX_DUE_PER_WAKE;
  if (!Number.isSafeInteger(perDue) || perDue <= 0) {
    throw new PulsegateError('invalid', 'maxDuePerWake must be a positive integer');
  }
  return {
    policy,
    policies: normalizePolicies(options.policies, policy),
    maxPauseMs: normalizeMaxPause(options.maxPauseMs),
    maxDuePerWake: perDue,
  };
}
