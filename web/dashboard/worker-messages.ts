import type { SessionStatus, Transition } from '../../shared/session.js';

/*
 * The messages between the page and its connection worker (`connection-worker.ts`). The
 * worker owns the Socket.IO connection and the `DashboardClient`: receiving a 2.5 MB
 * snapshot frame, parsing it and checking 10,000 statuses costs 150-250 ms of CPU that
 * no longer lands on the page's main thread. Both ends are built from this repository
 * together, so the messages are typed, not decoded.
 */

/** Statuses per `sync` message: each costs the page ~1-3 ms to receive at 10,000. */
export const SYNC_CHUNK = 1_000;

export type Command = 'pause' | 'resume' | 'unregister' | 'list';

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** Page -> worker. */
export type ToWorker =
  | {
      readonly type: 'connect';
      readonly url: string;
      readonly token: string;
      readonly reconnect: { readonly minMs: number; readonly maxMs: number };
    }
  | {
      readonly type: 'command';
      readonly id: number;
      readonly command: Command;
      readonly session?: string;
      readonly reason?: string;
    }
  | { readonly type: 'close' };

/** One applied transition and the session's status after it (absent once it is gone). */
export interface Change {
  readonly transition: Transition;
  readonly current: SessionStatus | undefined;
}

/** Worker -> page. */
export type FromWorker =
  | { readonly type: 'connected' }
  | { readonly type: 'disconnected'; readonly reason: string }
  | { readonly type: 'error'; readonly error: ErrorInfo }
  /** The first connect's outcome (`connect()` resolves or rejects with it). */
  | { readonly type: 'ready'; readonly error?: ErrorInfo }
  /** A snapshot in parts: `first` starts a new map, `last` makes it the page's. */
  | {
      readonly type: 'sync';
      readonly first: boolean;
      readonly last: boolean;
      readonly sessions: readonly SessionStatus[];
    }
  /** Transitions applied since the last message, in order. */
  | { readonly type: 'changes'; readonly changes: readonly Change[] }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly sessions?: readonly SessionStatus[];
      readonly error?: ErrorInfo;
    };
