/**
 * A setting that stops the start-up. `setting` is the name the operator wrote: the
 * environment variable, or the key path inside the `PULSEGATE_CONFIG` file.
 */
export class ConfigError extends Error {
  readonly setting: string;

  constructor(setting: string, problem: string) {
    super(`invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}
