import type { Policy } from '../../shared/session.js';
import { DEFAULT_POLICY } from '../monitor/policy.js';

/** The pino levels a deployment may choose. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The effective settings of one gateway, after the file, the environment and the
 * defaults were merged and checked. Produced once, by `loadConfig`.
 */
export interface GatewayConfig {
  readonly host: string;
  /** `0` picks a free port. */
  readonly port: number;
  readonly jwtSecret: string | undefined;
  readonly jwtPublicKey: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly jwtIssuer: string | undefined;
  readonly jwtAudience: string | undefined;
  readonly timeoutMs: number;
  readonly checkIntervalMs: number;
  readonly maxMissedBeats: number;
  /** `0`: no limit. */
  readonly maxPauseMs: number;
  /** `undefined`: every browser origin is allowed. */
  readonly allowedOrigins: readonly string[] | undefined;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly nodeId: string | undefined;
  readonly logLevel: LogLevel;
  /** Per-agent-type policies, each completed from the top-level timing settings. */
  readonly policies: Readonly<Record<string, Policy>>;
}

/** The top-level settings: everything but `policies`. */
export type TopLevelSettings = Omit<GatewayConfig, 'policies'>;

/** Every default, in one place. */
export const DEFAULT_SETTINGS: TopLevelSettings = {
  host: '127.0.0.1',
  port: 7070,
  jwtSecret: undefined,
  jwtPublicKey: undefined,
  jwksUrl: undefined,
  jwtIssuer: undefined,
  jwtAudience: undefined,
  // The monitor's defaults: one literal, not two that could drift apart.
  timeoutMs: DEFAULT_POLICY.timeoutMs,
  checkIntervalMs: DEFAULT_POLICY.checkIntervalMs,
  maxMissedBeats: DEFAULT_POLICY.maxMissedBeats,
  maxPauseMs: 0,
  allowedOrigins: undefined,
  redisUrl: undefined,
  redisPrefix: 'pulsegate:',
  nodeId: undefined,
  logLevel: 'info',
};

/**
 * How the value of a setting is read and checked. `number`: a timing setting, read here
 * (the environment's text to a number) and checked by the monitor's own normalizers, so a
 * policy is valid by one rule wherever it comes from.
 */
export type SettingKind =
  'text' | 'secret' | 'pem' | 'httpUrl' | 'redisUrl' | 'port' | 'number' | 'origins' | 'logLevel';

export interface SettingSpec {
  readonly key: keyof TopLevelSettings;
  readonly env: string;
  readonly kind: SettingKind;
}

/** The settings of contract section 1: camelCase key in the file, variable in the environment. */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'host', env: 'PULSEGATE_HOST', kind: 'text' },
  { key: 'port', env: 'PULSEGATE_PORT', kind: 'port' },
  { key: 'jwtSecret', env: 'PULSEGATE_JWT_SECRET', kind: 'secret' },
  { key: 'jwtPublicKey', env: 'PULSEGATE_JWT_PUBLIC_KEY', kind: 'pem' },
  { key: 'jwksUrl', env: 'PULSEGATE_JWKS_URL', kind: 'httpUrl' },
  { key: 'jwtIssuer', env: 'PULSEGATE_JWT_ISSUER', kind: 'text' },
  { key: 'jwtAudience', env: 'PULSEGATE_JWT_AUDIENCE', kind: 'text' },
  { key: 'timeoutMs', env: 'PULSEGATE_TIMEOUT_MS', kind: 'number' },
  { key: 'checkIntervalMs', env: 'PULSEGATE_CHECK_INTERVAL_MS', kind: 'number' },
  { key: 'maxMissedBeats', env: 'PULSEGATE_MAX_MISSED_BEATS', kind: 'number' },
  { key: 'maxPauseMs', env: 'PULSEGATE_MAX_PAUSE_MS', kind: 'number' },
  { key: 'allowedOrigins', env: 'PULSEGATE_ALLOWED_ORIGINS', kind: 'origins' },
  { key: 'redisUrl', env: 'PULSEGATE_REDIS_URL', kind: 'redisUrl' },
  { key: 'redisPrefix', env: 'PULSEGATE_REDIS_PREFIX', kind: 'text' },
  { key: 'nodeId', env: 'PULSEGATE_NODE_ID', kind: 'text' },
  { key: 'logLevel', env: 'PULSEGATE_LOG_LEVEL', kind: 'logLevel' },
];

/** The variable naming the JSON settings file. */
export const CONFIG_FILE_ENV = 'PULSEGATE_CONFIG';
