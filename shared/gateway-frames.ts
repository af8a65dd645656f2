import { isErrorCode, PulsegateError, type ErrorCode } from './errors.js';
import { isJsonRecord, parseJson } from './record.js';
import { ACTORS, type Actor, type Policy } from './session.js';

/** The policy the gateway announces in `welcome`, with the advised beat period. */
export interface AdvisedPolicy extends Policy {
  readonly beatIntervalMs: number;
}

/** A frame the gateway sends to an agent. */
export type GatewayFrame =
  | {
      readonly type: 'welcome';
      readonly session: string;
      readonly agentType: string;
      readonly resumed: boolean;
      readonly policy: AdvisedPolicy;
    }
  | { readonly type: 'warning'; readonly missedBeats: number }
  | { readonly type: 'paused'; readonly by: Actor; readonly reason?: string }
  | { readonly type: 'resumed'; readonly by: Actor }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly message: string };

export type WelcomeFrame = Extract<GatewayFrame, { type: 'welcome' }>;

export function encodeGatewayFrame(frame: GatewayFrame): string {
  return JSON.stringify(frame);
}

function isActor(value: unknown): value is Actor {
  return typeof value === 'string' && (ACTORS as readonly string[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readPolicy(value: unknown): AdvisedPolicy | undefined {
  if (!isJsonRecord(value)) return undefined;
  const { timeoutMs, checkIntervalMs, maxMissedBeats, beatIntervalMs } = value;
  if (!isCount(timeoutMs) || !isCount(checkIntervalMs)) return undefined;
  if (!isCount(maxMissedBeats) || !isCount(beatIntervalMs)) return undefined;
  return { timeoutMs, checkIntervalMs, maxMissedBeats, beatIntervalMs };
}

/**
 * Decodes a frame from the gateway (used by the SDKs). Fields it does not know are
 * ignored, so that a newer gateway can add some.
 */
export function decodeGatewayFrame(text: string): GatewayFrame | PulsegateError {
  const parsed = parseJson(text);
  const v = parsed?.value;
  if (!isJsonRecord(v)) return new PulsegateError('invalid', 'a frame is a JSON object');
  switch (v['type']) {
    case 'welcome': {
      const { session, agentType, resumed } = v;
      const policy = readPolicy(v['policy']);
      if (typeof session !== 'string' || typeof agentType !== 'string') break;
      if (typeof resumed !== 'boolean' || policy === undefined) break;
      return { type: 'welcome', session, agentType, resumed, policy };
    }
    case 'warning':
      if (isCount(v['missedBeats'])) return { type: 'warning', missedBeats: v['missedBeats'] };
      break;
    case 'paused': {
      const { by, reason } = v;
      if (!isActor(by)) break;
      return typeof reason === 'string' ? { type: 'paused', by, reason } : { type: 'paused', by };
    }
    case 'resumed':
      if (isActor(v['by'])) return { type: 'resumed', by: v['by'] };
      break;
    case 'error': {
      const { code, message } = v;
      if (isErrorCode(code) && typeof message === 'string') return { type: 'error', code, message };
      break;
    }
  }
  return new PulsegateError('invalid', 'unknown or malformed gateway frame');
}
