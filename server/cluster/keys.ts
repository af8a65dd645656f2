/**
 * The Redis key layout of one deployment (docs/cluster.md, "Data model"). Tenants and
 * session ids never contain `/` (their alphabet is `[A-Za-z0-9._:-]`), so `/` separates
 * the parts of a key without ambiguity.
 */
export interface ClusterKeys {
  readonly prefix: string;
  /** Hash of one session: `r` record JSON, `o` owner, `e` epoch, `v` version, `lb`/`st` beats. */
  session(tenant: string, id: string): string;
  /** Set of the ids of one tenant's sessions. */
  tenant(tenant: string): string;
  /** Set of the tenants that have (or had) sessions. */
  readonly tenants: string;
  /** Set of the session keys one node owns (what a survivor claims when it dies). */
  owned(node: string): string;
  /** Sorted set: node -> the Redis time (ms) of its last liveness refresh. */
  readonly nodes: string;
  /** Hash: node -> the Redis time (ms) of the refresh before its last (a gap shows a stall). */
  readonly priorMarks: string;
  /** The deployment's `seq` counter. */
  readonly seq: string;
  /** The event stream; entry ids are `<seq>-0`. */
  readonly events: string;
  /** Pub/sub channel of one node: forwarded commands and ownership notices. */
  inbox(node: string): string;
  /** Pub/sub channel of flushed beats, for every node's read replica. */
  readonly beats: string;
}

/** The key layout under `prefix` (`PULSEGATE_REDIS_PREFIX`). */
export function clusterKeys(prefix: string): ClusterKeys {
  return {
    prefix,
    session: (tenant, id) => `${prefix}s/${tenant}/${id}`,
    tenant: (tenant) => `${prefix}t/${tenant}`,
    tenants: `${prefix}tenants`,
    owned: (node) => `${prefix}o/${node}`,
    nodes: `${prefix}nodes`,
    priorMarks: `${prefix}nodes-prior`,
    seq: `${prefix}seq`,
    events: `${prefix}events`,
    inbox: (node) => `${prefix}inbox/${node}`,
    beats: `${prefix}beats`,
  };
}
