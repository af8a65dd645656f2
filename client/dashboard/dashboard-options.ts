import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { DASHBOARD_NAMESPACE } from '../../shared/dashboard.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../agent/backoff.js';
import type { TokenSource } from '../token.js';

/** How the client makes its Socket.IO socket: socket.io-client's `io` by default. */
export type SocketFactory = (
  url: string,
  options: Partial<ManagerOptions & SocketOptions>,
) => Socket;

export type Transport = 'websocket' | 'polling' | 'webtransport';

export interface DashboardClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:7070` (the `/dashboard` namespace is appended). */
  readonly url: string;
  /** A token with `sessions:read`, or a function giving a fresh one on every connect. */
  readonly token: TokenSource;
  /** Time a command waits for its acknowledgement (default 10,000 ms). */
  readonly timeoutMs?: number;
  /** Resynchronise when an unfiltered stream skips a `seq` (default true). */
  readonly resyncOnGap?: boolean;
  /** Socket.IO transports (default `['websocket']`). */
  readonly transports?: Transport[];
  /** Bounds of the reconnect backoff (default 0.5 s to 30 s). */
  readonly reconnect?: Partial<BackoffOptions>;
  /** Random source of the backoff jitter (default `Math.random`). */
  readonly random?: () => number;
  /** socket.io-client's `io` (injectable, e.g. to reach the Socket.IO socket it makes). */
  readonly io?: SocketFactory;
}

/** The options with their defaults filled in, normalised once. */
export interface ResolvedDashboardOptions {
  /** The namespace URL. */
  readonly url: string;
  readonly token: TokenSource;
  readonly timeoutMs: number;
  readonly resyncOnGap: boolean;
  readonly transports: Transport[];
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  readonly io: SocketFactory;
}

export function resolveDashboardOptions(options: DashboardClientOptions): ResolvedDashboardOptions {
  return {
    url: dashboardUrl(options.url),
    token: options.token,
    timeoutMs: options.timeoutMs ?? 10_000,
    resyncOnGap: options.resyncOnGap ?? true,
    transports: options.transports ?? ['websocket'],
    backoff: { ...DEFAULT_BACKOFF, ...options.reconnect },
    random: options.random ?? Math.random,
    io: options.io ?? io,
  };
}

/** The dashboard namespace's URL on the gateway at `base`. */
function dashboardUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  url.pathname = DASHBOARD_NAMESPACE;
  url.search = '';
  return url.toString();
}
