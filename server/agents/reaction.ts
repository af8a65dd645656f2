import { CloseCode } from '../../shared/close-codes.js';
import type { GatewayFrame } from '../../shared/gateway-frames.js';
import type { MonitorTransition } from '../monitor/types.js';

/** What an open agent connection does about a transition of its own session. */
export type AgentReaction =
  { readonly send: GatewayFrame } | { readonly close: number; readonly reason: string } | undefined;

/**
 * The agent's view of a transition, as a pure table: `warning` frames for missed beats
 * k < M, `paused`/`resumed` when someone else acted, 4010 on timeout, 4011 on an
 * unregister (the agent's own `bye` detaches its socket before unregistering, so any
 * `unregistered` that reaches an open socket came from a dashboard or the API).
 *
 * @example
 * ```ts
 * agentReaction({ kind: 'warning', missedBeats: 1, maxMissedBeats: 3, ... });
 * // { send: { type: 'warning', missedBeats: 1 } }
 * ```
 */
export function agentReaction(t: MonitorTransition): AgentReaction {
  switch (t.kind) {
    case 'warning':
    case 'missed':
      return t.missedBeats < t.maxMissedBeats
        ? { send: { type: 'warning', missedBeats: t.missedBeats } }
        : undefined;
    case 'paused':
      if (t.by === undefined || t.by === 'agent') return undefined;
      return {
        send:
          t.reason === undefined
            ? { type: 'paused', by: t.by }
            : { type: 'paused', by: t.by, reason: t.reason },
      };
    case 'resumed':
      if (t.by === undefined || t.by === 'agent') return undefined;
      return { send: { type: 'resumed', by: t.by } };
    case 'timeout':
      return { close: CloseCode.TimedOut, reason: 'session timed out' };
    case 'unregistered':
      return { close: CloseCode.Unregistered, reason: 'session unregistered' };
    default:
      return undefined;
  }
}
