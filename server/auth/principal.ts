/** Who a verified token speaks for. Built only by a `TokenVerifier`. */
export interface Principal {
  /** The `sub` claim: a session id for agents, a user id for dashboards. */
  readonly subject: string;
  /** The `tenant` claim, `default` when absent. */
  readonly tenant: string;
  /** The space-delimited `scope` claim, split. Empty when absent. */
  readonly scopes: ReadonlySet<string>;
  /** The `agent_type` claim when present (already checked against the alphabet). */
  readonly agentType: string | undefined;
  /**
   * When the token stops being accepted, in epoch milliseconds: its `exp` plus the clock
   * tolerance it was verified with (5 s with the built-in verifier), the first instant at
   * which `verify` refuses it. The gateway's one notion of "expired": a connection is closed
   * with 4001 (an agent) or dropped (a dashboard) at this instant, and a remembered token is
   * answered until it. A verifier of its own should fold its tolerance in the same way.
   */
  readonly expiresAt: number;
}

/**
 * Verifies JWTs. Rejects with a `PulsegateError`: `unauthorized` for any token that is
 * missing, malformed, badly signed, expired or with bad claims; `unavailable` when the
 * key source (a remote JWK set) cannot be reached and no key is known.
 */
export interface TokenVerifier {
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
  /**
   * The principal of a token remembered by an earlier `verify(token, { remember: true })`
   * and still valid, without waiting; `undefined` when `verify` has to decide. Optional:
   * a verifier without it is always asked through `verify`.
   */
  recall?(token: string): Principal | undefined;
}

export interface VerifyOptions {
  /**
   * Remember the verdict until the principal's `expiresAt` (`exp` plus the tolerance), for a
   * caller that presents the same token again and again (an agent beating over HTTP).
   * WebSocket connects do not ask: a connection verifies its token once, and 19,000
   * remembered tokens would cost each connection a few hundred bytes for nothing.
   */
  readonly remember?: boolean;
}
