export { CloseCode, FINAL_CLOSE_CODES } from './close-codes.js';
export { PulsegateError, HTTP_STATUS, isErrorCode, type ErrorCode } from './errors.js';
export {
  ACTORS,
  SESSION_STATES,
  TRANSITION_KINDS,
  type Actor,
  type Policy,
  type SessionState,
  type SessionStatus,
  type Transition,
  type TransitionKind,
} from './session.js';
export {
  SESSION_ID_PATTERN,
  AGENT_TYPE_PATTERN,
  TENANT_PATTERN,
  DEFAULT_TENANT,
  MAX_TEXT_LENGTH,
  MAX_FRAME_BYTES,
  isSessionId,
  isAgentType,
  isTenant,
  isShortText,
} from './limits.js';
export {
  decodeAgentFrame,
  readAgentFrame,
  encodeAgentFrame,
  type AgentFrame,
  type AgentFrameType,
} from './agent-frames.js';
export {
  decodeGatewayFrame,
  encodeGatewayFrame,
  type AdvisedPolicy,
  type GatewayFrame,
  type WelcomeFrame,
} from './gateway-frames.js';
export {
  DASHBOARD_NAMESPACE,
  DASHBOARD_COMMANDS,
  MAX_FILTER_ENTRIES,
  readDashboardCommand,
  type Ack,
  type AckError,
  type DashboardAuth,
  type DashboardCommand,
  type DashboardCommands,
  type DashboardServerEvents,
  type Snapshot,
  type SubscribeFilter,
} from './dashboard.js';
export { isJsonRecord, type JsonRecord } from './record.js';
