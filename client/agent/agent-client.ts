import '../dispose-polyfill.js';
import { encodeAgentFrame, type AgentFrame } from '../../shared/agent-frames.js';
import { PulsegateError } from '../../shared/errors.js';
import { decodeGatewayFrame, type WelcomeFrame } from '../../shared/gateway-frames.js';
import { MAX_TEXT_LENGTH } from '../../shared/limits.js';
import { TypedEmitter } from '../emitter.js';
import { fetchToken, tokenExpiry, type TokenSource } from '../token.js';
import type { AgentEvents } from './agent-events.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { Beater, type BeatMode } from './beater.js';
import { closeDecision } from './close-policy.js';
import { TokenRefresher } from './token-refresher.js';
import { agentEndpointUrl, type Connection, type Transport } from './transport.js';
import { refusalError } from './refusal.js';

/** Options of every agent client, in Node and in the browser. */
export interface AgentClientOptions {
  /** The gateway, e.g. `ws://127.0.0.1:7070` (`/v1/agent` is appended). */
  readonly url: string;
  /** A token, or a function giving a fresh one; only a function allows refresh. */
  readonly token: TokenSource;
  /** Reconnect after a drop (default true), optionally with other backoff bounds. */
  readonly reconnect?: boolean | Partial<BackoffOptions>;
  /** Random source of the backoff jitter, in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /** Time allowed from opening a connection to its `welcome` (default 10,000 ms). */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the gateway's close after `bye` (default 5,000 ms). */
  readonly closeTimeoutMs?: number;
  /** Refresh a token this long before its `exp` (default 30,000 ms). */
  readonly refreshMarginMs?: number;
}

type Phase = 'idle' | 'connecting' | 'open' | 'waiting' | 'closing' | 'closed';

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * The runtime-neutral agent client; the Node and browser entries bind it to a
 * transport. Use `AgentClient` from `pulsegate/client`.
 */
export class AgentClientCore extends TypedEmitter<AgentEvents> {
  readonly #url: string;
  readonly #source: TokenSource;
  readonly #transport: Transport;
  readonly #mode: BeatMode;
  readonly #backoff: BackoffOptions | undefined;
  readonly #random: () => number;
  readonly #connectTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #refresher: TokenRefresher | undefined;

  #phase: Phase = 'idle';
  #conn: Connection | undefined;
  #beater: Beater | undefined;
  #token = '';
  #attempt = 0;
  #established = false;
  #welcome: WelcomeFrame | undefined;
  #refusedStatus: number | undefined;
  #ownPause: { reason?: string } | undefined;
  #lastStatus: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connecting: Promise<WelcomeFrame> | undefined;
  #pendingConnect: Pending<WelcomeFrame> | undefined;
  #closed: Promise<void> | undefined;
  #pendingClose: Pending<void> | undefined;

  constructor(options: AgentClientOptions, transport: Transport, mode: BeatMode) {
    super();
    this.#url = agentEndpointUrl(options.url).toString();
    this.#source = options.token;
    this.#transport = transport;
    this.#mode = transport.canPing ? mode : 'message';
    const reconnect = options.reconnect ?? true;
    this.#backoff =
      reconnect === false
        ? undefined
        : { ...DEFAULT_BACKOFF, ...(reconnect === true ? {} : reconnect) };
    this.#random = options.random ?? Math.random;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    const source = options.token;
    this.#refresher =
      typeof source === 'string'
        ? undefined
        : new TokenRefresher(
            source,
            options.refreshMarginMs ?? 30_000,
            (token) => this.#refreshed(token),
            (error) => this.emit('error', asPulsegateError(error, 'token refresh failed')),
          );
  }

  /** The latest `welcome`, once connected. */
  get welcome(): WelcomeFrame | undefined {
    return this.#welcome;
  }

  /** True while a connection is open and welcomed. */
  get connected(): boolean {
    return this.#phase === 'open';
  }

  /**
   * Connects and resolves with the `welcome` frame. Rejects with a `PulsegateError`:
   * `unauthorized` (401) or `forbidden` (403) where the runtime reveals the status,
   * `unavailable` when the first attempt fails otherwise. Later drops reconnect by
   * themselves.
   */
  connect(): Promise<WelcomeFrame> {
    if (this.#phase === 'closed' || this.#phase === 'closing') {
      return Promise.reject(new PulsegateError('invalid', 'this client is closed'));
    }
    if (this.#connecting !== undefined) return this.#connecting;
    this.#connecting = new Promise<WelcomeFrame>((resolve, reject) => {
      this.#pendingConnect = { resolve, reject };
    });
    this.#connecting.catch(() => undefined);
    void this.#attemptConnect();
    return this.#connecting;
  }

  /** Sends a beat carrying `text`, shown to dashboards (at most 256 chars). */
  status(text: string): void {
    if (text.length > MAX_TEXT_LENGTH) {
      throw new PulsegateError('invalid', `status is at most ${MAX_TEXT_LENGTH} chars`);
    }
    this.#lastStatus = text;
    this.#send({ type: 'beat', status: text });
  }

  /** Pauses the session; the pause is re-sent after a reconnect until `resume()`. */
  pause(reason?: string): void {
    if (reason !== undefined && reason.length > MAX_TEXT_LENGTH) {
      throw new PulsegateError('invalid', `reason is at most ${MAX_TEXT_LENGTH} chars`);
    }
    this.#ownPause = reason === undefined ? {} : { reason };
    this.#send(reason === undefined ? { type: 'pause' } : { type: 'pause', reason });
  }

  resume(): void {
    this.#ownPause = undefined;
    this.#send({ type: 'resume' });
  }

  /**
   * Sends `bye` (the session is unregistered) and resolves once the gateway has closed
   * the connection. Between connections it just stops: there is no session to say bye on.
   */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    if (this.#phase === 'closed') return (this.#closed = Promise.resolve());
    this.#closed = new Promise<void>((resolve, reject) => {
      this.#pendingClose = { resolve, reject };
    });
    const conn = this.#conn;
    if (this.#phase === 'open' && conn !== undefined) {
      this.#phase = 'closing';
      this.#stopConnectionWork();
      conn.send(encodeAgentFrame({ type: 'bye' }));
      this.#timer = setTimeout(() => {
        conn.terminate();
        this.#finish(1006, 'no close from the gateway after bye');
      }, this.#closeTimeoutMs);
    } else {
      conn?.close(1000);
      this.#finish(1000, 'closed by the client');
    }
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #attemptConnect(): Promise<void> {
    this.#phase = 'connecting';
    this.#refusedStatus = undefined;
    let token: string;
    try {
      token = await fetchToken(this.#source);
    } catch (error) {
      if (this.#phase !== 'connecting') return;
      this.#failedAttempt(1006, 'the token function failed', error);
      return;
    }
    if (this.#phase !== 'connecting') return;
    const expiresAt = tokenExpiry(token);
    if (typeof this.#source === 'string' && expiresAt !== undefined && expiresAt <= Date.now()) {
      this.#failedAttempt(4001, 'the token has expired', undefined);
      return;
    }
    this.#token = token;
    const conn = this.#transport.open(this.#url, token, {
      open: () => undefined,
      message: (text) => {
        if (this.#conn === conn) this.#onMessage(text);
      },
      pong: () => {
        if (this.#conn === conn) this.#beater?.pong();
      },
      refused: (status) => {
        if (this.#conn === conn) this.#refusedStatus = status;
      },
      close: (code, reason) => {
        if (this.#conn === conn) this.#onClose(code, reason);
      },
    });
    this.#conn = conn;
    this.#timer = setTimeout(() => this.#drop('no welcome in time'), this.#connectTimeoutMs);
  }

  #onMessage(text: string): void {
    const frame = decodeGatewayFrame(text);
    // Unknown frames are skipped: a newer gateway may send more.
    if (frame instanceof PulsegateError) return;
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame);
        return;
      case 'warning':
        this.emit('warning', { missedBeats: frame.missedBeats });
        return;
      case 'paused':
        this.emit(
          'paused',
          frame.reason === undefined ? { by: frame.by } : { by: frame.by, reason: frame.reason },
        );
        return;
      case 'resumed':
        // Someone else resumed the session: the agent's own pause is over too.
        this.#ownPause = undefined;
        this.emit('resumed', { by: frame.by });
        return;
      case 'error':
        this.emit('error', new PulsegateError(frame.code, frame.message));
        return;
    }
  }

  #onWelcome(welcome: WelcomeFrame): void {
    const conn = this.#conn;
    if (this.#phase !== 'connecting' || conn === undefined) return;
    this.#clearTimer();
    this.#phase = 'open';
    this.#attempt = 0;
    this.#welcome = welcome;
    this.#beater = new Beater(conn, this.#mode, () => this.#drop('no pong in time'));
    this.#beater.start(welcome.policy.beatIntervalMs);
    this.#refresher?.schedule(this.#token);
    const reconnect = this.#established;
    this.#established = true;
    // A pause made by the agent ends when its connection drops: make it again.
    if (reconnect && this.#ownPause !== undefined) this.pause(this.#ownPause.reason);
    if (reconnect && this.#lastStatus !== undefined)
      this.#send({ type: 'beat', status: this.#lastStatus });
    this.emit('welcome', welcome);
    if (reconnect) this.emit('reconnected', welcome);
    this.#pendingConnect?.resolve(welcome);
    this.#pendingConnect = undefined;
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#phase === 'open';
    this.#conn = undefined;
    this.#stopConnectionWork();
    this.#clearTimer();
    if (this.#phase === 'closing') {
      this.#finish(code, reason);
      return;
    }
    if (!this.#established) {
      this.#failedAttempt(code, reason, undefined);
      return;
    }
    const decision = closeDecision({
      code,
      refusedStatus: this.#refusedStatus,
      renewableToken: typeof this.#source !== 'string',
    });
    const willReconnect = decision.reconnect && this.#backoff !== undefined;
    if (wasOpen) this.emit('disconnected', { code, reason, willReconnect });
    if (willReconnect) this.#scheduleReconnect();
    else this.#finish(code, reason);
  }

  /** The first connect failed: reject `connect()` and return to idle. */
  #failedAttempt(code: number, reason: string, cause: unknown): void {
    if (this.#established) {
      // A reconnect attempt that could not even start (the token function failed, or a
      // fixed token expired): the latter can never succeed.
      if (code === 4001) this.#finish(code, reason);
      else this.#scheduleReconnect();
      return;
    }
    this.#phase = 'idle';
    this.#conn = undefined;
    this.#connecting = undefined;
    const error = refusalError(code, reason, this.#refusedStatus, this.#transport, cause);
    this.#pendingConnect?.reject(error);
    this.#pendingConnect = undefined;
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt, this.#random, this.#backoff);
    this.#attempt += 1;
    this.#phase = 'waiting';
    this.#timer = setTimeout(() => void this.#attemptConnect(), delay);
  }

  /** Drops a connection believed dead; its late events are ignored. */
  #drop(reason: string): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    conn.terminate();
    this.#onClose(1006, reason);
  }

  #refreshed(token: string): void {
    this.#token = token;
    this.#send({ type: 'refresh', token });
  }

  #send(frame: AgentFrame): void {
    if (this.#phase === 'open') this.#conn?.send(encodeAgentFrame(frame));
  }

  #stopConnectionWork(): void {
    this.#beater?.stop();
    this.#beater = undefined;
    this.#refresher?.stop();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #finish(code: number, reason: string): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#conn = undefined;
    this.#stopConnectionWork();
    this.#clearTimer();
    this.#pendingConnect?.reject(new PulsegateError('unavailable', `closed: ${reason}`));
    this.#pendingConnect = undefined;
    this.emit('closed', { code, reason });
    this.#pendingClose?.resolve();
    this.#pendingClose = undefined;
  }
}

function asPulsegateError(error: unknown, message: string): PulsegateError {
  return error instanceof PulsegateError
    ? error
    : new PulsegateError('unavailable', message, { cause: error });
}
