import type { SessionStatus, Transition } from '../../shared/session.js';

/**
 * What the page needs of the dashboard client (PROTOCOL §9): the page is written
 * against this, and `main.ts` hands it the real `DashboardClient`.
 */
export interface DashboardSource {
  readonly sessions: ReadonlyMap<string, SessionStatus>;
  on(event: 'change', listener: (transition: Transition) => void): unknown;
  on(event: 'sync' | 'connected', listener: () => void): unknown;
  on(event: 'disconnected', listener: (event: { reason: string }) => void): unknown;
  /** A refusal that stopped the client (a token no longer accepted), or a bad event. */
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  pause(session: string, reason?: string): Promise<unknown>;
  resume(session: string): Promise<unknown>;
  unregister(session: string): Promise<unknown>;
  list(): Promise<readonly SessionStatus[]>;
}

/** A source the page starts and stops itself: the client, or the worker that runs it. */
export interface ConnectionSource extends DashboardSource {
  /** Resolves once the first snapshot is in `sessions`. */
  connect(): Promise<void>;
  close(): void;
}
