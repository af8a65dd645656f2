import type { Namespace, Server, Socket } from 'socket.io';
import type { DashboardCommand, DashboardServerEvents } from '../../shared/dashboard.js';
import type { DashboardIdentity } from '../auth/identity.js';
import type { CompiledFilter } from './filter.js';

/** Commands arrive untyped: every argument is decoded with `readDashboardCommand`. */
export type DashboardClientEvents = Record<DashboardCommand, (...args: unknown[]) => void>;

/** What the gateway keeps per dashboard socket (Socket.IO's `socket.data`). */
export interface DashboardData {
  identity: DashboardIdentity;
  /** The handshake's `since`, when given (`unusable`: given, but not a `seq`). */
  since: number | 'unusable' | undefined;
  /** The subscribe filter; `undefined` means "everything of the tenant". */
  filter: CompiledFilter | undefined;
  /** Fires at the token's `exp` plus the clock tolerance (see `expiry.ts`). */
  expiry?: NodeJS.Timeout | undefined;
}

type NoEvents = Record<string, never>;

export type DashboardServer = Server<
  DashboardClientEvents,
  DashboardServerEvents,
  NoEvents,
  DashboardData
>;
export type DashboardNamespace = Namespace<
  DashboardClientEvents,
  DashboardServerEvents,
  NoEvents,
  DashboardData
>;
export type DashboardSocket = Socket<
  DashboardClientEvents,
  DashboardServerEvents,
  NoEvents,
  DashboardData
>;
