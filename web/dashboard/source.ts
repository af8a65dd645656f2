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
