import type { WelcomeFrame } from '../../shared/gateway-frames.js';
import type { ConnectResult } from '../monitor/types.js';
import type { AgentIdentity } from '../auth/identity.js';

/**
 * The advised beat period: a third of the timeout, so that two beats may be lost before
 * the first missed beat. Never below 1 ms.
 */
export function beatIntervalFor(timeoutMs: number): number {
  return Math.max(1, Math.floor(timeoutMs / 3));
}

/** The first frame after connect: the session as the gateway sees it, and its policy. */
export function welcomeFrame(identity: AgentIdentity, result: ConnectResult): WelcomeFrame {
  const { timeoutMs, checkIntervalMs, maxMissedBeats } = result.policy;
  return {
    type: 'welcome',
    session: identity.session,
    agentType: identity.agentType,
    resumed: result.resumed,
    policy: {
      timeoutMs,
      checkIntervalMs,
      maxMissedBeats,
      beatIntervalMs: beatIntervalFor(timeoutMs),
    },
  };
}
