import { PulsegateError, type ErrorCode } from './errors.js';
import { isAgentType, isSessionId, isShortText, MAX_TEXT_LENGTH } from './limits.js';
import { isJsonRecord, readStringList, unknownKey } from './record.js';
import type { SessionStatus, Transition } from './session.js';

/** The Socket.IO namespace of dashboards. */
export const DASHBOARD_NAMESPACE = '/dashboard';

/** Handshake `auth` payload. */
export interface DashboardAuth {
  token: string;
  since?: number;
}

/** Gateway -> dashboard: sent right after connecting (unless `since` was honoured). */
export interface Snapshot {
  seq: number;
  reset: boolean;
  sessions: SessionStatus[];
}

/** Events the gateway emits to dashboards. */
export interface DashboardServerEvents {
  snapshot: (snapshot: Snapshot) => void;
  transition: (transition: Transition) => void;
}

/** A narrowing of the transition stream; an absent list means "all". */
export interface SubscribeFilter {
  agentTypes?: string[];
  sessions?: string[];
}

export type AckError = { ok: false; error: { code: ErrorCode; message: string } };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** Dashboard -> gateway commands with their decoded arguments and ack payloads. */
export interface DashboardCommands {
  subscribe: { args: SubscribeFilter; ack: { snapshot: Snapshot } };
  list: { args: Record<string, never>; ack: { sessions: SessionStatus[] } };
  pause: { args: { session: string; reason?: string }; ack: object };
  resume: { args: { session: string }; ack: object };
  unregister: { args: { session: string }; ack: object };
}

export type DashboardCommand = keyof DashboardCommands;
export const DASHBOARD_COMMANDS: readonly DashboardCommand[] = [
  'subscribe',
  'list',
  'pause',
  'resume',
  'unregister',
];

/** Most entries a subscribe filter list may hold. */
export const MAX_FILTER_ENTRIES = 1000;

function invalid(message: string): PulsegateError {
  return new PulsegateError('invalid', message);
}

function record(value: unknown, keys: readonly string[]) {
  // A command sent with no argument arrives as undefined: treat it as {}.
  const v = value === undefined ? {} : value;
  if (!isJsonRecord(v)) return invalid('the argument is an object');
  const extra = unknownKey(v, new Set(keys));
  if (extra !== undefined) return invalid(`unknown field ${JSON.stringify(extra.slice(0, 64))}`);
  return v;
}

function readSession(v: Readonly<Record<string, unknown>>): string | PulsegateError {
  const session = v['session'];
  return isSessionId(session) ? session : invalid('session must be a valid session id');
}

/**
 * Decodes the argument of a dashboard command. Total: any input gives a typed value or
 * an `invalid` error.
 *
 * @example
 * ```ts
 * const args = readDashboardCommand('pause', payload);
 * if (args instanceof PulsegateError) return ack({ ok: false, error: args.toJSON() });
 * ```
 */
export function readDashboardCommand<C extends DashboardCommand>(
  command: C,
  value: unknown,
): DashboardCommands[C]['args'] | PulsegateError;
export function readDashboardCommand(
  command: DashboardCommand,
  value: unknown,
): DashboardCommands[DashboardCommand]['args'] | PulsegateError {
  switch (command) {
    case 'list': {
      const v = record(value, []);
      return v instanceof PulsegateError ? v : {};
    }
    case 'subscribe': {
      const v = record(value, ['agentTypes', 'sessions']);
      if (v instanceof PulsegateError) return v;
      const filter: SubscribeFilter = {};
      if (v['agentTypes'] !== undefined) {
        const list = readStringList(v['agentTypes'], isAgentType, MAX_FILTER_ENTRIES);
        if (list === undefined) return invalid('agentTypes must be a list of agent types');
        filter.agentTypes = list;
      }
      if (v['sessions'] !== undefined) {
        const list = readStringList(v['sessions'], isSessionId, MAX_FILTER_ENTRIES);
        if (list === undefined) return invalid('sessions must be a list of session ids');
        filter.sessions = list;
      }
      return filter;
    }
    case 'pause': {
      const v = record(value, ['session', 'reason']);
      if (v instanceof PulsegateError) return v;
      const session = readSession(v);
      if (session instanceof PulsegateError) return session;
      const reason = v['reason'];
      if (reason === undefined) return { session };
      if (!isShortText(reason))
        return invalid(`reason must be a string of at most ${MAX_TEXT_LENGTH} chars`);
      return { session, reason };
    }
    case 'resume':
    case 'unregister': {
      const v = record(value, ['session']);
      if (v instanceof PulsegateError) return v;
      const session = readSession(v);
      return session instanceof PulsegateError ? session : { session };
    }
  }
}
