import { PulsegateError } from '../../shared/errors.js';
import { isJsonRecord, unknownKey } from '../../shared/record.js';
import type { Policy } from '../../shared/session.js';
import { showValue } from '../../shared/shown-value.js';

/** The contract's defaults (PROTOCOL.md section 1): the one literal they live in. */
export const DEFAULT_POLICY: Policy = Object.freeze({
  timeoutMs: 30_000,
  checkIntervalMs: 5_000,
  maxMissedBeats: 3,
});

const POLICY_KEYS: ReadonlySet<string> = new Set([
  'timeoutMs',
  'checkIntervalMs',
  'maxMissedBeats',
]);

/** Slowest beat rate an agent is ever advised: the default rate limit allows 50 frames/s. */
const MIN_BEAT_INTERVAL_MS = 20;

function refuse(setting: string, message: string): never {
  throw new PulsegateError('invalid', `${setting} ${message}`);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Reads a (partial) policy from untrusted configuration and completes it from `base`.
 * Throws `PulsegateError('invalid')` naming the setting (`where` prefixes it) when a key is
 * unknown or a value is not a positive safe integer.
 *
 * @example
 * ```ts
 * normalizePolicy({ timeoutMs: 60_000 }); // { timeoutMs: 60000, checkIntervalMs: 5000, maxMissedBeats: 3 }
 * normalizePolicy({ timeoutMs: 0 }, DEFAULT_POLICY, 'policies.planner'); // throws: policies.planner.timeoutMs ...
 * ```
 */
export function normalizePolicy(input: unknown, base: Policy = DEFAULT_POLICY, where = ''): Policy {
  const prefix = where === '' ? '' : `${where}.`;
  if (input === undefined) return base;
  if (!isJsonRecord(input)) refuse(where === '' ? 'policy' : where, 'must be an object');
  const bad = unknownKey(input, POLICY_KEYS);
  if (bad !== undefined) refuse(`${prefix}${bad}`, 'is not a known setting');
  const read = (key: keyof Policy): number => {
    const value = input[key];
    if (value === undefined) return base[key];
    if (!isPositiveInteger(value)) {
      refuse(`${prefix}${key}`, `must be a positive integer (got ${showValue(value)})`);
    }
    return value;
  };
  return Object.freeze({
    timeoutMs: read('timeoutMs'),
    checkIntervalMs: read('checkIntervalMs'),
    maxMissedBeats: read('maxMissedBeats'),
  });
}

/**
 * Reads `maxPauseMs`: a non-negative safe integer, `0` meaning no limit.
 *
 * @example
 * ```ts
 * normalizeMaxPause(undefined); // 0
 * normalizeMaxPause(-1); // throws PulsegateError('invalid', 'maxPauseMs must be ...')
 * ```
 */
export function normalizeMaxPause(value: unknown, setting = 'maxPauseMs'): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    refuse(setting, `must be a non-negative integer (got ${showValue(value)})`);
  }
  return value;
}

/**
 * Per-agent-type policies over one default: `policies.planner` gets the default's values for
 * the fields it leaves out. Throws like `normalizePolicy`.
 */
export function normalizePolicies(
  input: unknown,
  base: Policy,
  where = 'policies',
): ReadonlyMap<string, Policy> {
  const out = new Map<string, Policy>();
  if (input === undefined) return out;
  if (!isJsonRecord(input)) refuse(where, 'must be an object');
  for (const [agentType, partial] of Object.entries(input)) {
    if (agentType === '__proto__' || agentType === 'constructor' || agentType === 'prototype') {
      refuse(`${where}.${agentType}`, 'is not a valid agent type');
    }
    out.set(agentType, normalizePolicy(partial, base, `${where}.${agentType}`));
  }
  return out;
}

/**
 * The beat period advised to agents in `welcome`: a third of the timeout, so that two beats
 * may be lost before a warning, but never faster than the default rate limit allows.
 *
 * @example
 * ```ts
 * advisedBeatInterval({ timeoutMs: 30_000, checkIntervalMs: 5_000, maxMissedBeats: 3 }); // 10000
 * ```
 */
export function advisedBeatInterval(policy: Policy): number {
  return Math.max(MIN_BEAT_INTERVAL_MS, Math.floor(policy.timeoutMs / 3));
}
