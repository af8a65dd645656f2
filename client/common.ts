/** What both entries of `pulsegate/client` export alike. */
export type { AgentEvents } from './agent/agent-events.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './agent/backoff.js';
export type { BeatMode } from './agent/beater.js';
export {
  DashboardClient,
  type DashboardClientOptions,
  type SocketFactory,
} from './dashboard/dashboard-client.js';
export type { DashboardEvents } from './dashboard/dashboard-events.js';
export { applyTransition } from './dashboard/mirror.js';
export { tokenExpiry, type TokenSource } from './token.js';
export { CloseCode, FINAL_CLOSE_CODES } from '../shared/close-codes.js';
export { PulsegateError, type ErrorCode } from '../shared/errors.js';
export type { Snapshot, SubscribeFilter } from '../shared/dashboard.js';
export type { AdvisedPolicy, WelcomeFrame } from '../shared/gateway-frames.js';
export type {
  Actor,
  SessionState,
  SessionStatus,
  Transition,
  TransitionKind,
} from '../shared/session.js';
