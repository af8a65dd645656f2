export { HeartbeatMonitor } from './monitor.js';
export { HeartbeatClient, type HeartbeatClientOptions } from './heartbeat-client.js';
export {
  normalizeMonitorOptions,
  type MonitorOptions,
  type MonitorErrorContext,
  type MonitorErrorReporter,
  type MonitorSettings,
} from './options.js';
export {
  DEFAULT_POLICY,
  advisedBeatInterval,
  normalizeMaxPause,
  normalizePolicies,
  normalizePolicy,
} from './policy.js';
export { systemClock } from './clock.js';
export { TimerScheduler, intervalTicker, type Ticker } from './scheduler.js';
export { MemoryStore, type SessionStore, type StoredSession } from './store.js';
export {
  beat,
  step,
  deadlineOf,
  NO_TRANSITIONS,
  type MonitorEvent,
  type RuleSettings,
  type Step,
} from './rules.js';
export { copyRecord, toStatus, stateOf, type SessionRecord, type PauseInfo } from './record.js';
export type * from './types.js';
