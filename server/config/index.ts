export { loadConfig, type LoadConfigOptions } from './load.js';
export { ConfigError } from './errors.js';
export {
  DEFAULT_SETTINGS,
  SETTINGS,
  CONFIG_FILE_ENV,
  LOG_LEVELS,
  type GatewayConfig,
  type LogLevel,
  type TopLevelSettings,
} from './settings.js';
export { resolveConfig } from './load.js';
export { resolveLimits } from './limits.js';
