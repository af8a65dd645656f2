export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export {
  HeartbeatMonitor,
  HeartbeatClient,
  MemoryStore,
  TimerScheduler,
  systemClock,
  DEFAULT_POLICY,
  advisedBeatInterval,
  type HeartbeatClientOptions,
  type MonitorOptions,
  type MonitorErrorReporter,
  type SessionStore,
} from './monitor/index.js';
export type {
  Clock,
  Millis,
  Monitor,
  MonitorTransition,
  Scheduler,
  TransitionListener,
  TenantOption,
  ConnectResult,
} from './monitor/types.js';
export {
  loadConfig,
  resolveConfig,
  resolveLimits,
  ConfigError,
  DEFAULT_SETTINGS,
  type GatewayConfig,
  type LoadConfigOptions,
  type LogLevel,
} from './config/index.js';
export {
  createTokenVerifier,
  mintToken,
  agentIdentity,
  dashboardIdentity,
  SCOPE,
  type VerifierOptions,
  type MintOptions,
  type AgentIdentity,
  type DashboardIdentity,
  type Principal,
  type TokenVerifier,
} from './auth/index.js';
export {
  DEFAULT_LIMITS,
  type Limits,
  type GatewayContext,
  type GatewayMetrics,
} from './context.js';
export type { EventLog, AgentEndpoint, DashboardHub } from './edges.js';
export { createLogger, type LoggerOptions } from './log.js';
export { createMetrics, type PrometheusMetrics } from './metrics.js';
export { PulsegateError, type ErrorCode } from '../shared/errors.js';
export type { SessionStatus, Transition, Policy, Actor } from '../shared/session.js';
