import '../dispose-polyfill.js';
import type { Socket } from 'socket.io-client';
import type { Snapshot, SubscribeFilter } from '../../shared/dashboard.js';
import { PulsegateError } from '../../shared/errors.js';
import type { JsonRecord } from '../../shared/record.js';
import type { SessionStatus } from '../../shared/session.js';
import { backoffDelay } from '../agent/backoff.js';
import { Deferred } from '../deferred.js';
import { TypedEmitter } from '../emitter.js';
import { fetchToken } from '../token.js';
import { sendCommand } from './commands.js';
import type { DashboardEvents } from './dashboard-events.js';
import {
  resolveDashboardOptions,
  type DashboardClientOptions,
  type ResolvedDashboardOptions,
} from './dashboard-options.js';
import { readSessionList, readSnapshot, readTransition } from './decode.js';
import { SessionMirror } from './mirror.js';

export type { DashboardClientOptions, SocketFactory } from './dashboard-options.js';

/**
 * A dashboard's live, always-consistent view of a gateway's sessions.
 *
 * @example
 * ```ts
 * const dash = new DashboardClient({ url: 'http://127.0.0.1:7070', token });
 * await dash.connect();
 * dash.on('change', () => render(dash.sessions));
 * await dash.pause('s1', 'maintenance');
 * ```
 */
export class DashboardClient extends TypedEmitter<DashboardEvents> {
  readonly #options: ResolvedDashboardOptions;
  readonly #mirror = new SessionMirror();

  #socket: Socket | undefined;
  #filter: SubscribeFilter | undefined;
  /** Set while a resync (a subscribe) is pending: events before its ack are in its snapshot. */
  #resyncing = false;
  /** Set to make the next connect ask for a full snapshot instead of a replay. */
  #fullSnapshot = false;
  #synced = false;
  /** The last handshake asked for a replay (`since`) instead of a snapshot. */
  #replay = false;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The first connect, until its snapshot is applied or it fails. */
  #connecting: Deferred<void> | undefined;

  constructor(options: DashboardClientOptions) {
    super();
    this.#options = resolveDashboardOptions(options);
  }

  /** Every visible session, keyed by id; always current while connected. */
  get sessions(): ReadonlyMap<string, SessionStatus> {
    return this.#mirror.sessions;
  }

  /** The `seq` of the last event applied (the `since` of the next reconnect). */
  get seq(): number | undefined {
    return this.#mirror.seq;
  }

  get connected(): boolean {
    return this.#socket?.connected ?? false;
  }

  /**
   * Connects and resolves once the first snapshot is applied. Rejects with a
   * `PulsegateError`: `unauthorized`, `forbidden`, or `unavailable` when the gateway
   * cannot be reached.
   */
  connect(): Promise<void> {
    if (this.#closed) return Promise.reject(new PulsegateError('invalid', 'this client is closed'));
    if (this.#connecting !== undefined) return this.#connecting.promise;
    const connecting = new Deferred<void>();
    this.#connecting = connecting;
    const { io, url, transports, backoff } = this.#options;
    const socket = io(url, {
      autoConnect: false,
      transports,
      reconnectionDelay: backoff.minMs,
      reconnectionDelayMax: backoff.maxMs,
      auth: (cb) => {
        fetchToken(this.#options.token).then(
          (token) => cb(this.#auth(token)),
          () => cb({ token: '' }),
        );
      },
    });
    this.#socket = socket;
    socket.on('connect', () => this.#onConnect());
    socket.on('snapshot', (value: unknown) => this.#onSnapshot(value));
    socket.on('transition', (value: unknown) => this.#onTransition(value));
    socket.on('disconnect', (reason) => this.#onDisconnect(reason));
    socket.on('connect_error', (error) => this.#onConnectError(socket, error.message));
    socket.connect();
    return connecting.promise;
  }

  /** Pauses a session (needs `sessions:control`). */
  async pause(session: string, reason?: string): Promise<void> {
    await this.#command('pause', reason === undefined ? { session } : { session, reason });
  }

  async resume(session: string): Promise<void> {
    await this.#command('resume', { session });
  }

  async unregister(session: string): Promise<void> {
    await this.#command('unregister', { session });
  }

  /** The sessions as the gateway sees them now (the mirror is left as it is). */
  async list(): Promise<SessionStatus[]> {
    const ack = await this.#command('list', {});
    const sessions = readSessionList(ack['sessions']);
    if (sessions === undefined) throw new PulsegateError('internal', 'malformed list');
    return sessions;
  }

  /**
   * Narrows the stream (and `sessions`) to some agent types and/or sessions; `{}` widens
   * it back to everything. Kept across reconnects.
   */
  async subscribe(filter: SubscribeFilter): Promise<Snapshot> {
    const snapshot = await this.#subscribe(filter);
    this.#filter =
      filter.agentTypes === undefined && filter.sessions === undefined ? undefined : filter;
    return snapshot;
  }

  /** Disconnects for good. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimer();
    this.#socket?.disconnect();
    this.#connecting?.reject(new PulsegateError('unavailable', 'closed before connected'));
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #auth(token: string): { token: string; since?: number } {
    const since = this.#mirror.seq;
    // A filtered mirror cannot be continued by an unfiltered replay: take a snapshot.
    this.#replay = since !== undefined && this.#filter === undefined && !this.#fullSnapshot;
    return since === undefined || !this.#replay ? { token } : { token, since };
  }

  #onConnect(): void {
    this.#attempt = 0;
    this.#fullSnapshot = false;
    this.#resyncing = false;
    // A replay continues the mirror as it is; otherwise a snapshot comes first.
    this.#synced = this.#replay;
    this.emit('connected');
    if (this.#filter !== undefined) this.#resync();
  }

  #onSnapshot(value: unknown): void {
    if (this.#resyncing) return;
    const snapshot = readSnapshot(value);
    if (snapshot === undefined) {
      this.emit('error', new PulsegateError('invalid', 'malformed snapshot'));
      this.#resync();
      return;
    }
    this.#applySnapshot(snapshot);
  }

  #applySnapshot(snapshot: Snapshot): void {
    this.#mirror.replace(snapshot);
    this.#synced = true;
    this.emit('sync', { seq: snapshot.seq, reset: snapshot.reset, sessions: this.sessions });
    this.#connecting?.resolve();
  }

  #onTransition(value: unknown): void {
    if (this.#resyncing || !this.#synced) return;
    const transition = readTransition(value);
    if (transition === undefined) {
      this.emit('error', new PulsegateError('invalid', 'malformed transition'));
      return;
    }
    const strict = this.#options.resyncOnGap && this.#filter === undefined;
    const result = this.#mirror.apply(transition, strict);
    if (result === 'applied') this.emit('change', transition);
    // A stale seq on a live stream means the deployment's seq went back (a restarted
    // in-memory gateway): the mirror is from another history.
    else this.#resync();
  }

  /** Replaces the mirror with a fresh snapshot of the current filter. */
  #resync(): void {
    if (this.#resyncing) return;
    this.#resyncing = true;
    this.#subscribe(this.#filter ?? {}).then(
      () => undefined,
      () => {
        // No snapshot by subscribe: reconnect for one.
        this.#fullSnapshot = true;
        this.#socket?.disconnect().connect();
      },
    );
  }

  async #subscribe(filter: SubscribeFilter): Promise<Snapshot> {
    const ack = await this.#command('subscribe', filter);
    const snapshot = readSnapshot(ack['snapshot']);
    if (snapshot === undefined) throw new PulsegateError('internal', 'malformed snapshot');
    this.#resyncing = false;
    this.#applySnapshot(snapshot);
    return snapshot;
  }

  #onDisconnect(reason: string): void {
    this.#resyncing = false;
    this.#synced = false;
    this.emit('disconnected', { reason });
    // Socket.IO leaves a disconnect by the server to the application: the gateway does it
    // on shutdown and to a dashboard that reads too slowly, and both expect a reconnect.
    if (reason === 'io server disconnect' && !this.#closed) this.#scheduleReconnect();
  }

  #onConnectError(socket: Socket, message: string): void {
    if (this.#closed) return;
    const refused = message === 'unauthorized' || message === 'forbidden';
    const connecting = this.#connecting;
    if (connecting !== undefined && !connecting.settled) {
      // The first connect failed: reject it, and let the caller try again.
      const text = refused
        ? `the gateway refused the dashboard: ${message}`
        : `could not connect: ${message}`;
      connecting.reject(new PulsegateError(refused ? message : 'unavailable', text));
      this.#connecting = undefined;
      socket.disconnect();
      this.#socket = undefined;
      return;
    }
    // A transport error: Socket.IO's manager is already retrying.
    if (socket.active) return;
    if (message === 'unauthorized' && typeof this.#options.token !== 'string') {
      this.#scheduleReconnect();
      return;
    }
    this.emit('error', new PulsegateError(refused ? message : 'unavailable', message));
    this.close();
  }

  #scheduleReconnect(): void {
    this.#clearTimer();
    const delay = backoffDelay(this.#attempt, this.#options.random, this.#options.backoff);
    this.#attempt += 1;
    this.#timer = setTimeout(() => this.#socket?.connect(), delay);
  }

  #command(name: string, args: object): Promise<JsonRecord> {
    return sendCommand(this.#socket, name, args, this.#options.timeoutMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
