import { PulsegateError } from '../../shared/errors.js';

/**
 * A setting that stops the start-up. `setting` is the name the operator wrote: the
 * environment variable, or the key path inside the `PULSEGATE_CONFIG` file.
 */
export class ConfigError extends Error {
  readonly setting: string;

  constructor(setting: string, problem: string, options?: { cause?: unknown }) {
    super(`invalid configuration: ${setting} ${problem}`, options);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/**
 * The monitor's refusal of a setting (`PulsegateError('invalid', '<setting> <problem>')`)
 * as a `ConfigError` under the name the operator wrote it by. `names` maps each setting the
 * monitor may name to that name (an environment variable, or a key path of the file); the
 * longest one the message starts with is the setting. Any other error is returned as it is.
 *
 * @example
 * ```ts
 * try { normalizePolicy({ timeoutMs: 0 }); }
 * catch (e) { throw asConfigError(e, new Map([['timeoutMs', 'PULSEGATE_TIMEOUT_MS']])); }
 * ```
 */
export function asConfigError(error: unknown, names: ReadonlyMap<string, string>): unknown {
  if (!(error instanceof PulsegateError) || error.code !== 'invalid') return error;
  let setting: string | undefined;
  for (const candidate of names.keys()) {
    if (!error.message.startsWith(`${candidate} `)) continue;
    if (setting === undefined || candidate.length > setting.length) setting = candidate;
  }
  if (setting === undefined) return error;
  const problem = error.message.slice(setting.length + 1);
  return new ConfigError(names.get(setting) ?? setting, problem, { cause: error });
}
