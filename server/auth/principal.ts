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
  /** `exp`, in epoch milliseconds. */
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
   * Remember the verdict until the token's `exp`, for a caller that presents the same token
   * again and again (an agent beating over HTTP). WebSocket connects do not ask: a
   * connection verifies its token once, and 19,000 remembered tokens would cost each
   * connection a few hundred bytes for nothing.
   */
  readonly remember?: boolean;
}
