import { readFileSync } from 'node:fs';
import type { Policy } from '../../shared/session.js';
import { isAgentType } from '../../shared/limits.js';
import { isJsonRecord, parseJson, type JsonRecord } from '../../shared/record.js';
import { normalizeMaxPause, normalizePolicies, normalizePolicy } from '../monitor/policy.js';
import { asConfigError, ConfigError } from './errors.js';
import {
  CONFIG_FILE_ENV,
  DEFAULT_SETTINGS,
  LOG_LEVELS,
  SETTINGS,
  type GatewayConfig,
  type TopLevelSettings,
} from './settings.js';
import { readSetting, type SettingValue } from './values.js';

/** Where `loadConfig` reads from; both default to the process's own. */
export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => string;
}

/** Each setting given, with the name it was given by (the variable, or the file's key). */
type Merged = Map<keyof TopLevelSettings, { readonly value: SettingValue; readonly name: string }>;

const FILE_KEYS: ReadonlySet<string> = new Set([...SETTINGS.map((s) => s.key), 'policies']);

function readConfigFile(path: string, readFile: (path: string) => string): JsonRecord {
  let text: string;
  try {
    text = readFile(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(CONFIG_FILE_ENV, `names a file that cannot be read (${reason})`);
  }
  const parsed = parseJson(text);
  if (parsed === undefined) throw new ConfigError(CONFIG_FILE_ENV, `names a file that is not JSON`);
  if (!isJsonRecord(parsed.value)) {
    throw new ConfigError(CONFIG_FILE_ENV, `names a file whose JSON is not an object`);
  }
  for (const key of Object.keys(parsed.value)) {
    if (!FILE_KEYS.has(key)) throw new ConfigError(key, 'is not a known setting');
  }
  return parsed.value;
}

function fileSettings(file: JsonRecord): Merged {
  const merged: Merged = new Map();
  for (const spec of SETTINGS) {
    if (file[spec.key] !== undefined) {
      const value = readSetting(spec.kind, file[spec.key], 'file', spec.key);
      merged.set(spec.key, { value, name: spec.key });
    }
  }
  return merged;
}

function envSettings(env: LoadConfigOptions['env'] & object): Merged {
  const merged: Merged = new Map();
  for (const spec of SETTINGS) {
    const raw = env[spec.env];
    // An empty variable is an unset one, as shells and compose files write them.
    if (raw !== undefined && raw !== '')
      merged.set(spec.key, { value: readSetting(spec.kind, raw, 'env', spec.env), name: spec.env });
  }
  return merged;
}

/**
 * The timing settings, checked by the monitor's normalizers (the one rule for a policy),
 * their refusals named as the operator wrote the setting.
 */
function timing(merged: Merged): Policy & { readonly maxPauseMs: number } {
  const names = new Map<string, string>();
  const given: Record<string, unknown> = {};
  for (const key of ['timeoutMs', 'checkIntervalMs', 'maxMissedBeats', 'maxPauseMs'] as const) {
    const entry = merged.get(key);
    names.set(key, entry?.name ?? key);
    if (entry !== undefined && key !== 'maxPauseMs') given[key] = entry.value;
  }
  try {
    const policy = normalizePolicy(given);
    return { ...policy, maxPauseMs: normalizeMaxPause(merged.get('maxPauseMs')?.value) };
  } catch (error) {
    throw asConfigError(error, names);
  }
}

function topLevel(merged: Merged): TopLevelSettings {
  const value = (key: keyof TopLevelSettings): SettingValue => merged.get(key)?.value;
  const str = (key: keyof TopLevelSettings): string | undefined => {
    const v = value(key);
    return typeof v === 'string' ? v : undefined;
  };
  const port = value('port');
  const origins = value('allowedOrigins');
  const level = LOG_LEVELS.find((l) => l === value('logLevel'));
  const { timeoutMs, checkIntervalMs, maxMissedBeats, maxPauseMs } = timing(merged);
  return {
    host: str('host') ?? DEFAULT_SETTINGS.host,
    port: typeof port === 'number' ? port : DEFAULT_SETTINGS.port,
    jwtSecret: str('jwtSecret'),
    jwtPublicKey: str('jwtPublicKey'),
    jwksUrl: str('jwksUrl'),
    jwtIssuer: str('jwtIssuer'),
    jwtAudience: str('jwtAudience'),
    timeoutMs,
    checkIntervalMs,
    maxMissedBeats,
    maxPauseMs,
    allowedOrigins: isStringList(origins) ? origins : DEFAULT_SETTINGS.allowedOrigins,
    redisUrl: str('redisUrl'),
    redisPrefix: str('redisPrefix') ?? DEFAULT_SETTINGS.redisPrefix,
    nodeId: str('nodeId'),
    logLevel: level ?? DEFAULT_SETTINGS.logLevel,
  };
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * Per-agent-type policies, read by the monitor's `normalizePolicies` (the same rule as the
 * monitor applies to its options) after the agent type names are checked here: the monitor
 * takes any name, the file takes the contract's agent types only.
 */
function readPolicies(raw: unknown, base: Policy): Record<string, Policy> {
  if (raw === undefined) return {};
  if (!isJsonRecord(raw))
    throw new ConfigError('policies', 'must be an object keyed by agent type');
  const names = new Map<string, string>();
  for (const [agentType, value] of Object.entries(raw)) {
    const name = `policies.${agentType}`;
    if (!isAgentType(agentType) || agentType === '__proto__') {
      throw new ConfigError(name, 'is not a valid agent type (1-64 chars of [A-Za-z0-9._:-])');
    }
    names.set(name, name);
    if (isJsonRecord(value))
      for (const key of Object.keys(value)) names.set(`${name}.${key}`, `${name}.${key}`);
  }
  try {
    return Object.fromEntries(normalizePolicies(raw, base));
  } catch (error) {
    throw asConfigError(error, names);
  }
}

function complete(file: JsonRecord, env: LoadConfigOptions['env'] & object): GatewayConfig {
  const fromFile = fileSettings(file);
  // A bad value in the file stops the start-up even where a variable overrides it.
  timing(fromFile);
  const settings = topLevel(new Map([...fromFile, ...envSettings(env)]));
  const base: Policy = {
    timeoutMs: settings.timeoutMs,
    checkIntervalMs: settings.checkIntervalMs,
    maxMissedBeats: settings.maxMissedBeats,
  };
  return { ...settings, policies: readPolicies(file['policies'], base) };
}

/**
 * Completes settings given in code (camelCase, as in the `PULSEGATE_CONFIG` file) with the
 * defaults; the environment is not read. A `GatewayConfig` is valid input.
 *
 * @example
 * ```ts
 * resolveConfig({ jwtSecret: 's3cret', port: 0, policies: { planner: { timeoutMs: 60000 } } });
 * ```
 */
export function resolveConfig(input: object = {}): GatewayConfig {
  if (!isJsonRecord(input)) throw new ConfigError('config', 'must be a plain object');
  for (const key of Object.keys(input)) {
    if (!FILE_KEYS.has(key)) throw new ConfigError(key, 'is not a known setting');
  }
  return complete(input, {});
}

/**
 * Loads the gateway's settings: defaults, then the `PULSEGATE_CONFIG` file's top level,
 * then the environment. Throws a `ConfigError` naming the first bad setting.
 *
 * @example
 * ```ts
 * const config = loadConfig({ env: { PULSEGATE_PORT: '0', PULSEGATE_JWT_SECRET: 's3cret' } });
 * config.port; // 0
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const path = env[CONFIG_FILE_ENV];
  const file = path !== undefined && path !== '' ? readConfigFile(path, readFile) : {};
  return complete(file, env);
}
