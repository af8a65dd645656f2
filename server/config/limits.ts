import { DEFAULT_LIMITS, type Limits } from '../context.js';
import { isJsonRecord } from '../../shared/record.js';
import { showValue } from '../../shared/shown-value.js';
import { ConfigError } from './errors.js';

/**
 * Completes partial limits with `DEFAULT_LIMITS`. Every limit is a positive integer; an
 * unknown key or a bad value throws a `ConfigError` naming `limits.<key>`.
 *
 * @example
 * ```ts
 * resolveLimits({ shutdownSpreadMs: 500 }).maxPayloadBytes; // 16384
 * ```
 */
export function resolveLimits(input: Partial<Limits> = {}): Limits {
  if (!isJsonRecord(input)) throw new ConfigError('limits', 'must be a plain object');
  const out: Record<keyof Limits, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(input)) {
    const known = (Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]).find((k) => k === key);
    if (known === undefined) throw new ConfigError(`limits.${key}`, 'is not a known limit');
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(
        `limits.${key}`,
        `must be a positive integer (got ${showValue(value)})`,
      );
    }
    out[known] = value;
  }
  return out;
}
