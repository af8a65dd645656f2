/** The whole hostile catalogue, in group order. */
import type { HostileCase } from './case.js';
import { agentCases } from './cases/agent.js';
import { dashboardCases } from './cases/dashboard.js';
import { frameCases } from './cases/frames.js';
import { handshakeCases } from './cases/handshake.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { tokenCases } from './cases/tokens.js';

export const CATALOGUE: readonly HostileCase[] = [
  ...handshakeCases,
  ...tokenCases,
  ...frameCases,
  ...agentCases,
  ...dashboardCases,
  ...lifecycleCases,
];
