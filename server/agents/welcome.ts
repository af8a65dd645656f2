import type { WelcomeFrame } from '../../shared/gateway-frames.js';
import { advisedBeatInterval } from '../monitor/policy.js';
import type { ConnectResult } from '../monitor/types.js';
import type { AgentIdentity } from '../auth/identity.js';

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
      beatIntervalMs: advisedBeatInterval(result.policy),
    },
  };
}
