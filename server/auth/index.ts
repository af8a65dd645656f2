export { createTokenVerifier, type VerifierOptions } from './verifier.js';
export { createKeyResolver, type KeySources, type KeyResolver } from './keys.js';
export { createRemoteKeys, type RemoteKeysOptions } from './jwks.js';
export {
  agentIdentity,
  dashboardIdentity,
  hasScope,
  SCOPE,
  type AgentIdentity,
  type DashboardIdentity,
  type Scope,
} from './identity.js';
export { mintToken, parseTtl, type MintOptions } from './mint.js';
export { CLOCK_TOLERANCE_SECONDS } from './claims.js';
export { readBearer } from './bearer.js';
export type { Principal, TokenVerifier, VerifyOptions } from './principal.js';
