/**
 * One entry of the hostile catalogue: what is done to the gateway, and what the contract
 * (PROTOCOL.md, else docs/protocol.md and docs/security.md) says must come back. The
 * driver compares the observed outcome with `expected` (`toMatchObject`), then checks that
 * a new agent and a new dashboard still work and that the process is alive.
 */
import type { Gateway } from '../../server/gateway.js';

export type Group = 'handshake' | 'tokens' | 'frames' | 'agent' | 'dashboard' | 'lifecycle';

/** The gateways cases run against; each is started once, on first use. */
export type TargetName =
  /** HS256 with iss/aud, one allowed origin, a short handshake timeout. */
  | 'main'
  /** An RSA public key (RS256 only) besides the HS256 secret. */
  | 'rsa'
  /** A JWK set URL whose server is not there, besides the HS256 secret. */
  | 'jwks-down'
  /** A JWK set URL whose server never answers, besides the HS256 secret. */
  | 'jwks-slow'
  /** A JWK set URL whose server answers garbage, besides the HS256 secret. */
  | 'jwks-garbage'
  /** A JWK set that works, besides the HS256 secret. */
  | 'jwks-ok'
  /** `main` with a small per-IP connection rate (20/s, burst 100). */
  | 'tight';

export interface CaseContext {
  readonly port: number;
  /** The in-process gateway, for cases that look at its state. */
  readonly gateway: Gateway | undefined;
  /** Facts of the target (keys for the `rsa` and `jwks-*` targets). */
  readonly extras: Readonly<Record<string, unknown>>;
}

export type Outcome = Readonly<Record<string, unknown>>;

export interface HostileCase {
  readonly group: Group;
  readonly name: string;
  readonly target?: TargetName;
  /** Does the hostile thing and reports what came back. */
  readonly act: (ctx: CaseContext) => Promise<Outcome>;
  readonly expected: Outcome;
  /** Test timeout when the case needs longer than the default. */
  readonly timeoutMs?: number;
  /** The case needs limits only an in-process gateway can take (not run against the CLI). */
  readonly inProcessOnly?: boolean;
}
