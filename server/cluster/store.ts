import type { SessionRecord } from '../monitor/record.js';

/**
 * The shared store of cluster mode: where session records, their owners and the event
 * stream live. Every write is one of three operations, each atomic (one Lua script on
 * Redis), so that exactly one node decides each transition:
 *
 * - `claim`: a node takes a session (an agent connected to it, or an HTTP beat). Fenced by
 *   `expected`, the version the node based its decision on; the epoch goes up by one.
 * - `commit`: the owner writes the record after a transition and appends the transitions
 *   to the stream, each with the next `seq`. Refused (`fenced`) unless the caller is still
 *   the owner.
 * - `flush`: the owner writes the last beat times and status texts of sessions that beat
 *   since the last flush. No transition, no version change.
 *
 * Every operation carries the node's operation number (`op`, increasing per node
 * incarnation): a retried operation that was already applied answers `dup` instead of
 * being applied twice, so a node can resend whatever was in flight when Redis went away.
 * `MemoryClusterStore` implements the same contract in process (the test double); the
 * contract suite in test/cluster runs against both.
 */
export interface ClusterStore {
  /** Applies operations in order, as one batch (one pipeline on Redis). */
  apply(node: string, ops: readonly StoreOp[]): Promise<OpResult[]>;
  /** One session as stored, or `undefined`. */
  load(tenant: string, id: string): Promise<SharedSession | undefined>;
  /** Every stored session (a node's read replica starts from this). */
  loadAll(): Promise<SharedSession[]>;
  /** Marks `node` alive now (the store's clock); `leaving` marks it dead at once. */
  alive(node: string, leaving?: boolean): Promise<void>;
  /**
   * Finds one node other than `node` not marked alive for `ttlMs` and moves at most `max`
   * of its sessions to `node` (epoch + 1). A dead node with nothing left is forgotten.
   */
  reap(node: string, ttlMs: number, max: number): Promise<Reaped | undefined>;
  /** Events with `seq > after`, at most `count`, in order. */
  events(after: number, count: number): Promise<StoredEvent[]>;
  /** The newest `count` events, in order (oldest first). */
  lastEvents(count: number): Promise<StoredEvent[]>;
  /** Sends `message` to the owner of a session; false when nobody owns it or listens. */
  forward(tenant: string, id: string, message: string): Promise<boolean>;
}

export type StoreOp =
  | {
      readonly kind: 'claim';
      readonly op: number;
      readonly record: SessionRecord;
      readonly lastBeat: number;
      /**
       * The version the decision was based on; 0: "the session did not exist"; -1: "this
       * node owns it" (a reconnect to the owner), refused only when another node owns it.
       */
      readonly expected: number;
      /** Encoded transition tails (see `encodeTransitionTail`). */
      readonly transitions: readonly string[];
    }
  | {
      readonly kind: 'commit';
      readonly op: number;
      readonly tenant: string;
      readonly id: string;
      /** The record after the transitions; `undefined`: the session ended. */
      readonly record: SessionRecord | undefined;
      readonly lastBeat: number;
      readonly transitions: readonly string[];
    }
  | { readonly kind: 'flush'; readonly op: number; readonly beats: readonly Beat[] };

export interface Beat {
  readonly tenant: string;
  readonly id: string;
  readonly lastBeat: number;
  readonly status: string | undefined;
}

export type OpResult =
  /** Applied (or already applied: `dup`); `version` is the session's version afterwards. */
  | {
      readonly status: 'ok' | 'dup';
      readonly epoch: number;
      readonly version: number;
      readonly seqs: readonly number[];
    }
  /** A claim based on an old version: nothing written; here is the session as it is. */
  | { readonly status: 'stale'; readonly current: SharedSession | undefined }
  /**
   * A commit by a node that is no longer the owner: nothing written. `reaped`: the owner
   * took it from a node it thought dead (or the session ended), rather than by a newer
   * connection.
   */
  | { readonly status: 'fenced'; readonly owner: string | undefined; readonly reaped: boolean }
  /** A flush: how many sessions were skipped because another node owns them. */
  | { readonly status: 'flushed'; readonly skipped: number };

export interface SharedSession {
  readonly record: SessionRecord;
  /** L, the last beat: the later of the record's and the last flush's. */
  readonly lastBeat: number;
  readonly owner: string;
  readonly epoch: number;
  /** The `seq` of the session's latest transition. */
  readonly version: number;
}

export interface Reaped {
  readonly dead: string;
  readonly sessions: readonly SharedSession[];
}

export interface StoredEvent {
  readonly seq: number;
  /** The transition as dashboards receive it, `seq` included. */
  readonly encoded: string;
  /** On the last event of a commit: the session afterwards (`null`: it ended). */
  readonly after: SharedSession | null | undefined;
}
