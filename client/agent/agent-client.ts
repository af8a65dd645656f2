import '../dispose-polyfill.js';
import { encodeAgentFrame, type AgentFrame } from '../../shared/agent-frames.js';
import { PulsegateError } from '../../shared/errors.js';
import { decodeGatewayFrame, type WelcomeFrame } from '../../shared/gateway-frames.js';
import { Deferred } from '../deferred.js';
import { TypedEmitter } from '../emitter.js';
import { fetchToken, tokenExpiry } from '../token.js';
import type { AgentEvents } from './agent-events.js';
import {
  resolveAgentOptions,
  type AgentClientOptions,
  type ResolvedAgentOptions,
} from './agent-options.js';
import { backoffDelay } from './backoff.js';
import { Beater, type BeatMode } from './beater.js';
import { closeDecision } from './close-policy.js';
import { AgentIntent } from './intent.js';
import { refusalError } from './refusal.js';
import { TokenRefresher } from './token-refresher.js';
import type { Connection, Transport } from './transport.js';

export type { AgentClientOptions } from './agent-options.js';

/**
 * - `idle`: not connected, and `connect()` may be called (again, after a failed first try);
 * - `connecting`: a connection is opening and waits for its `welcome`;
 * - `open`: welcomed; beats run;
 * - `waiting`: between connections, in the backoff delay;
 * - `closing`: `bye` sent, waiting for the gateway's close;
 * - `closed`: for good.
 */
type Phase = 'idle' | 'connecting' | 'open' | 'waiting' | 'closing' | 'closed';

/**
 * The runtime-neutral agent client; the Node and browser entries bind it to a
 * transport. Use `AgentClient` from `pulsegate/client`.
 */
export class AgentClientCore extends TypedEmitter<AgentEvents> {
  readonly #options: ResolvedAgentOptions;
  readonly #transport: Transport;
  readonly #mode: BeatMode;
  readonly #refresher: TokenRefresher | undefined;
  readonly #intent = new AgentIntent();

  #phase: Phase = 'idle';
  #conn: Connection | undefined;
  #beater: Beater | undefined;
  #token = '';
  #attempt = 0;
  #established = false;
  #welcome: WelcomeFrame | undefined;
  #refusedStatus: number | undefined;
  /** One timer at a time: the welcome deadline, the backoff delay or the bye deadline. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connecting: Deferred<WelcomeFrame> | undefined;
  #closed: Deferred<void> | undefined;

  constructor(options: AgentClientOptions, transport: Transport, mode: BeatMode) {
    super();
    this.#options = resolveAgentOptions(options);
    this.#transport = transport;
    this.#mode = transport.canPing ? mode : 'message';
    const source = options.token;
    this.#refresher =
      typeof source === 'string'
        ? undefined
        : new TokenRefresher(
            source,
            this.#options.refreshMarginMs,
            (token) => this.#refreshed(token),
            (cause) =>
              this.emit(
                'error',
                new PulsegateError('unavailable', 'token refresh failed', { cause }),
              ),
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
    if (this.#connecting !== undefined) return this.#connecting.promise;
    this.#connecting = new Deferred();
    void this.#attemptConnect();
    return this.#connecting.promise;
  }

  /** Sends a beat carrying `text`, shown to dashboards (at most 256 chars). */
  status(text: string): void {
    this.#send(this.#intent.status(text));
  }

  /** Pauses the session; the pause is made again after a reconnect, until `resume()`. */
  pause(reason?: string): void {
    this.#send(this.#intent.pause(reason));
  }

  resume(): void {
    this.#send(this.#intent.resume());
  }

  /**
   * Sends `bye` (the session is unregistered) and resolves once the gateway has closed
   * the connection. Between connections it just stops: there is no session to say bye on.
   */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed.promise;
    this.#closed = new Deferred();
    const conn = this.#conn;
    if (this.#phase === 'open' && conn !== undefined) {
      this.#phase = 'closing';
      this.#stopConnectionWork();
      conn.send(encodeAgentFrame({ type: 'bye' }));
      this.#timer = setTimeout(() => {
        conn.terminate();
        this.#finish(1006, 'no close from the gateway after bye');
      }, this.#options.closeTimeoutMs);
    } else {
      conn?.close(1000);
      this.#finish(1000, 'closed by the client');
      // Already closed (4009, 4011...): #finish did nothing, so settle here.
      this.#closed.resolve();
    }
    return this.#closed.promise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #attemptConnect(): Promise<void> {
    this.#phase = 'connecting';
    this.#refusedStatus = undefined;
    let token: string;
    try {
      token = await fetchToken(this.#options.token);
    } catch (error) {
      if (this.#phase === 'connecting')
        this.#failedAttempt(1006, 'the token function failed', error);
      return;
    }
    if (this.#phase !== 'connecting') return;
    const expiresAt = tokenExpiry(token);
    if (
      typeof this.#options.token === 'string' &&
      expiresAt !== undefined &&
      expiresAt <= Date.now()
    ) {
      this.#failedAttempt(4001, 'the token has expired', undefined);
      return;
    }
    this.#token = token;
    const conn = this.#transport.open(this.#options.url, token, {
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
    this.#timer = setTimeout(
      () => this.#drop('no welcome in time'),
      this.#options.connectTimeoutMs,
    );
  }

  #onMessage(text: string): void {
    const frame = decodeGatewayFrame(text);
    // Unknown frames are skipped: a newer gateway may send more.
    if (frame instanceof PulsegateError) return;
    switch (frame.type) {
      case 'welcome':
        return this.#onWelcome(frame);
      case 'warning':
        return this.emit('warning', { missedBeats: frame.missedBeats });
      case 'paused':
        return this.emit(
          'paused',
          frame.reason === undefined ? { by: frame.by } : { by: frame.by, reason: frame.reason },
        );
      case 'resumed':
        this.#intent.resumedByOthers();
        return this.emit('resumed', { by: frame.by });
      case 'error':
        return this.emit('error', new PulsegateError(frame.code, frame.message));
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
    if (reconnect) for (const frame of this.#intent.replay()) this.#send(frame);
    this.emit('welcome', welcome);
    if (reconnect) this.emit('reconnected', welcome);
    this.#connecting?.resolve(welcome);
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#phase === 'open';
    this.#conn = undefined;
    this.#stopConnectionWork();
    this.#clearTimer();
    if (this.#phase === 'closing') return this.#finish(code, reason);
    if (!this.#established) return this.#failedAttempt(code, reason, undefined);
    const decision = closeDecision({
      code,
      refusedStatus: this.#refusedStatus,
      renewableToken: typeof this.#options.token !== 'string',
    });
    const willReconnect = decision.reconnect && this.#options.backoff !== undefined;
    if (wasOpen) this.emit('disconnected', { code, reason, willReconnect });
    if (willReconnect) this.#scheduleReconnect();
    else this.#finish(code, reason);
  }

  /** An attempt that got no welcome. */
  #failedAttempt(code: number, reason: string, cause: unknown): void {
    if (this.#established) {
      // A reconnect that could not even start: an expired fixed token never will.
      if (code === 4001) this.#finish(code, reason);
      else this.#scheduleReconnect();
      return;
    }
    // The first connect: reject it, and let the caller try again.
    this.#phase = 'idle';
    this.#conn = undefined;
    const connecting = this.#connecting;
    this.#connecting = undefined;
    connecting?.reject(refusalError(code, reason, this.#refusedStatus, this.#transport, cause));
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt, this.#options.random, this.#options.backoff);
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
    this.#connecting?.reject(new PulsegateError('unavailable', `closed: ${reason}`));
    this.emit('closed', { code, reason });
    this.#closed?.resolve();
  }
}
