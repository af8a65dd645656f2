import { readFileSync } from 'node:fs';
import type { Policy } from '../../shared/session.js';
import { isAgentType } from '../../shared/limits.js';
import { isJsonRecord, parseJson, type JsonRecord } from '../../shared/record.js';
import { ConfigError } from './errors.js';
import {
  CONFIG_FILE_ENV,
  DEFAULT_SETTINGS,
  LOG_LEVELS,
  POLICY_KEYS,
  SETTINGS,
  type GatewayConfig,
  type TopLevelSettings,
} from './settings.js';
import { readPositiveInt, readSetting, type SettingValue } from './values.js';

/** Where `loadConfig` reads from; both default to the process's own. */
export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => string;
}

type Merged = Map<keyof TopLevelSettings, SettingValue>;

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

function mergeSettings(file: JsonRecord, env: LoadConfigOptions['env'] & object): Merged {
  const merged: Merged = new Map();
  for (const spec of SETTINGS) {
    if (file[spec.key] !== undefined)
      merged.set(spec.key, readSetting(spec.kind, file[spec.key], 'file', spec.key));
  }
  for (const spec of SETTINGS) {
    const raw = env[spec.env];
    // An empty variable is an unset one, as shells and compose files write them.
    if (raw !== undefined && raw !== '')
      merged.set(spec.key, readSetting(spec.kind, raw, 'env', spec.env));
  }
  return merged;
}

function topLevel(merged: Merged): TopLevelSettings {
  const str = (key: keyof TopLevelSettings): string | undefined => {
    const v = merged.get(key);
    return typeof v === 'string' ? v : undefined;
  };
  const num = (key: 'port' | 'timeoutMs' | 'checkIntervalMs' | 'maxMissedBeats' | 'maxPauseMs') => {
    const v = merged.get(key);
    return typeof v === 'number' ? v : DEFAULT_SETTINGS[key];
  };
  const origins = merged.get('allowedOrigins');
  const level = LOG_LEVELS.find((l) => l === merged.get('logLevel'));
  return {
    host: str('host') ?? DEFAULT_SETTINGS.host,
    port: num('port'),
    jwtSecret: str('jwtSecret'),
    jwtPublicKey: str('jwtPublicKey'),
    jwksUrl: str('jwksUrl'),
    jwtIssuer: str('jwtIssuer'),
    jwtAudience: str('jwtAudience'),
    timeoutMs: num('timeoutMs'),
    checkIntervalMs: num('checkIntervalMs'),
    maxMissedBeats: num('maxMissedBeats'),
    maxPauseMs: num('maxPauseMs'),
    allowedOrigins: Array.isArray(origins) ? origins : DEFAULT_SETTINGS.allowedOrigins,
    redisUrl: str('redisUrl'),
    redisPrefix: str('redisPrefix') ?? DEFAULT_SETTINGS.redisPrefix,
    nodeId: str('nodeId'),
    logLevel: level ?? DEFAULT_SETTINGS.logLevel,
  };
}

function readPolicies(raw: unknown, base: Policy): Record<string, Policy> {
  if (raw === undefined) return {};
  if (!isJsonRecord(raw))
    throw new ConfigError('policies', 'must be an object keyed by agent type');
  const out: Record<string, Policy> = {};
  for (const [agentType, value] of Object.entries(raw)) {
    const name = `policies.${agentType}`;
    if (!isAgentType(agentType) || agentType === '__proto__') {
      throw new ConfigError(name, 'is not a valid agent type (1-64 chars of [A-Za-z0-9._:-])');
    }
    if (!isJsonRecord(value)) throw new ConfigError(name, 'must be an object');
    const policy: { -readonly [K in keyof Policy]: number } = { ...base };
    for (const [key, field] of Object.entries(value)) {
      const known = POLICY_KEYS.find((k) => k === key);
      if (known === undefined)
        throw new ConfigError(`${name}.${key}`, 'is not a known policy field');
      policy[known] = readPositiveInt(field, 'file', `${name}.${key}`);
    }
    out[agentType] = policy;
  }
  return out;
}

function complete(file: JsonRecord, env: LoadConfigOptions['env'] & object): GatewayConfig {
  const settings = topLevel(mergeSettings(file, env));
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
