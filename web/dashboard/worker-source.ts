import { isErrorCode, PulsegateError } from '../../shared/errors.js';
import type { SessionStatus, Transition } from '../../shared/session.js';
import type { DashboardSource } from './source.js';
import type { Command, ErrorInfo, FromWorker, ToWorker } from './worker-messages.js';

type Listener = (...args: never[]) => void;

/** What the page needs of a worker (a `Worker`, or a stand-in in tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface WorkerSourceOptions {
  readonly url: string;
  readonly token: string;
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
}

/**
 * The page's `DashboardSource` when the connection runs in a worker: a copy of the
 * worker's session map, kept from its messages. A snapshot arrives in parts of
 * `SYNC_CHUNK` statuses, each its own small task; `sessions` is replaced (and `sync`
 * emitted) when the last part is in, so the page never sees half a snapshot.
 */
export class WorkerSource implements DashboardSource {
  #sessions = new Map<string, SessionStatus>();
  /** The snapshot being received, part by part. */
  #incoming: Map<string, SessionStatus> | undefined;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #replies = new Map<
    number,
    { resolve(sessions: readonly SessionStatus[]): void; reject(error: Error): void }
  >();
  #nextId = 1;
  #ready: { resolve(): void; reject(error: Error): void } | undefined;
  #closed = false;

  constructor(
    private readonly worker: WorkerLike,
    private readonly options: WorkerSourceOptions,
  ) {
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) =>
      this.#receive(event.data),
    );
    worker.addEventListener('error', () => {
      const error = new PulsegateError('unavailable', 'the connection worker failed to start');
      this.#ready?.reject(error);
      this.#ready = undefined;
      this.#emit('disconnected', { reason: 'worker error' });
    });
  }

  get sessions(): ReadonlyMap<string, SessionStatus> {
    return this.#sessions;
  }

  /** Resolves once the first snapshot is in `sessions`, like `DashboardClient.connect`. */
  connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
      const { url, token, reconnect } = this.options;
      this.worker.postMessage({ type: 'connect', url, token, reconnect });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.worker.postMessage({ type: 'close' });
    this.worker.terminate();
    const error = new PulsegateError('unavailable', 'closed');
    for (const reply of this.#replies.values()) reply.reject(error);
    this.#replies.clear();
  }

  on(event: 'change', listener: (transition: Transition) => void): () => void;
  on(event: 'sync' | 'connected', listener: () => void): () => void;
  on(event: 'disconnected', listener: (event: { reason: string }) => void): () => void;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): () => void;
  on(event: string, listener: Listener): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  async pause(session: string, reason?: string): Promise<void> {
    await this.#command('pause', session, reason);
  }

  async resume(session: string): Promise<void> {
    await this.#command('resume', session);
  }

  async unregister(session: string): Promise<void> {
    await this.#command('unregister', session);
  }

  list(): Promise<readonly SessionStatus[]> {
    return this.#command('list');
  }

  #command(command: Command, session?: string, reason?: string): Promise<readonly SessionStatus[]> {
    if (this.#closed) return Promise.reject(new PulsegateError('unavailable', 'closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      const message: ToWorker = {
        type: 'command',
        id,
        command,
        ...(session === undefined ? {} : { session }),
        ...(reason === undefined ? {} : { reason }),
      };
      this.worker.postMessage(message);
    });
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'connected':
        this.#emit('connected');
        break;
      case 'disconnected':
        this.#emit('disconnected', { reason: message.reason });
        break;
      case 'error':
        this.#emit('error', toError(message.error));
        break;
      case 'ready':
        if (message.error === undefined) this.#ready?.resolve();
        else this.#ready?.reject(toError(message.error));
        this.#ready = undefined;
        break;
      case 'sync': {
        if (message.first || this.#incoming === undefined) this.#incoming = new Map();
        const incoming = this.#incoming;
        for (const s of message.sessions) incoming.set(s.session, s);
        if (!message.last) break;
        this.#sessions = incoming;
        this.#incoming = undefined;
        this.#emit('sync');
        break;
      }
      case 'changes':
        for (const { transition, current } of message.changes) {
          if (current === undefined) this.#sessions.delete(transition.session);
          else this.#sessions.set(transition.session, current);
          this.#emit('change', transition);
        }
        break;
      case 'reply': {
        const reply = this.#replies.get(message.id);
        this.#replies.delete(message.id);
        if (message.error === undefined) reply?.resolve(message.sessions ?? []);
        else reply?.reject(toError(message.error));
        break;
      }
    }
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        // One listener's failure must not stop the others; it still surfaces.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

function toError(info: ErrorInfo): PulsegateError {
  return new PulsegateError(isErrorCode(info.code) ? info.code : 'internal', info.message);
}
