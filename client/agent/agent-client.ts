import '../dispose-polyfill.js';
import { encodeAgentFrame, type AgentFrame } from '../../shared/agent-frames.js';
import { CloseCode } from '../../shared/close-codes.js';
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
 * - `connecting`: a connection is opening and waits for its `welcome` (after `close()`,
 *   only to say `bye` on it);
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
  /** The gateway ended the session (4010): there is none left to say `bye` on. */
  #sessionGone = false;
  #welcome: WelcomeFrame | undefined;
  #refusedStatus: number | undefined;
  /** One timer at a time: the welcome deadline or the backoff delay. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The bound of `close()`: `closeTimeoutMs` from its call, whatever it still waits for. */
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #connecting: Deferred<WelcomeFrame> | undefined;
  /** Set by `close()`: from then on the client only says `bye`, and never reconnects. */
  #closed: Deferred<void> | undefined;
  /** `close()` opens at most one connection of its own to say `bye` on. */
  #byeConnectionOpened = false;

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
    if (this.#closed !== undefined || this.#phase === 'closed') {
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
   * Stops for good, and unregisters the session: sends `bye` and resolves once the
   * gateway has closed the connection. Whatever the state, the session ends unregistered
   * when the gateway can be reached: a connection still opening is waited for and says
   * `bye`; between reconnects, while the session may still live on the gateway, a
   * connection is opened just to say `bye` (at most one such connection per `close()`,
   * also used when a connection drops before the gateway confirmed the `bye`). No
   * reconnect ever follows.
   *
   * Never rejects, and settles within `closeTimeoutMs` of the call: when the gateway
   * cannot be reached in time the client gives up, and the session then times out on
   * the gateway like any dropped agent's (the `closed` event's code is 1000 only when
   * the gateway confirmed the `bye`). Calling it again returns the same promise. A
   * pending `connect()` rejects at once; `closed` is the only event emitted after it.
   */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed.promise;
    const closed = new Deferred<void>();
    this.#closed = closed;
    if (this.#phase === 'closed') {
      // Already stopped (4009, 4011, a refused token...): nothing left to do.
      closed.resolve();
      return closed.promise;
    }
    const connecting = this.#connecting;
    this.#connecting = undefined;
    connecting?.reject(
      new PulsegateError('unavailable', 'closed: close() was called before the welcome'),
    );
    this.#stopConnectionWork();
    const conn = this.#conn;
    switch (this.#phase) {
      case 'open':
        // With no connection, close() was called by a `disconnected` listener: #onClose
        // goes on right after and says bye where a session lives.
        if (conn !== undefined) this.#sayBye(conn);
        break;
      case 'connecting':
        // A socket is opening (the gateway may register it), or a reconnect is fetching
        // its token while the session lives: it goes on, and says bye once welcomed.
        // A first connect still fetching its token has registered nothing.
        if (conn === undefined && !this.#hasSession()) this.#finish(1000, 'closed by the client');
        break;
      case 'waiting':
        this.#clearTimer();
        // The session outlived the dropped connection: open one just to say bye.
        if (!this.#connectForBye()) this.#finish(1000, 'closed by the client');
        break;
      default:
        this.#finish(1000, 'closed by the client');
    }
    if (!closed.settled) {
      this.#closeTimer = setTimeout(() => this.#giveUp(), this.#options.closeTimeoutMs);
    }
    return closed.promise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** True while the gateway may still hold a session of this client. */
  #hasSession(): boolean {
    return this.#established && !this.#sessionGone;
  }

  #sayBye(conn: Connection): void {
    this.#phase = 'closing';
    conn.send(encodeAgentFrame({ type: 'bye' }));
  }

  /** Opens the one connection `close()` may open to say bye, where a session may live. */
  #connectForBye(): boolean {
    if (this.#byeConnectionOpened || !this.#hasSession()) return false;
    this.#byeConnectionOpened = true;
    void this.#attemptConnect();
    return true;
  }

  /**
   * After `close()`, a connection ended without the gateway's close after our `bye` (a
   * drop, a shutdown, a failed attempt): one more connection says it, where a retry can
   * help; otherwise the client stops.
   */
  #byeFailed(code: number, reason: string, byeSent: boolean): void {
    const retryable = closeDecision({
      code,
      refusedStatus: this.#refusedStatus,
      renewableToken: typeof this.#options.token !== 'string',
    }).reconnect;
    if (retryable && this.#connectForBye()) return;
    this.#finish(code, byeSent ? reason : `no bye: ${reason}`);
  }

  /** The bound of `close()` ran out: stop without the gateway's word. */
  #giveUp(): void {
    this.#closeTimer = undefined;
    const byeSent = this.#phase === 'closing';
    this.#conn?.terminate();
    this.#finish(
      1006,
      byeSent
        ? 'no close from the gateway after bye'
        : 'no bye: the gateway did not answer in time',
    );
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
    if (this.#closed !== undefined) {
      // Closing: a welcome only opens the way for bye; nothing else is reported.
      if (frame.type === 'welcome') this.#byeOnWelcome();
      return;
    }
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

  /** The welcome of a connection that `close()` waited for: say bye on it, nothing else. */
  #byeOnWelcome(): void {
    const conn = this.#conn;
    if (this.#phase !== 'connecting' || conn === undefined) return;
    this.#clearTimer();
    // A first connect's session exists from here: if this connection drops before the
    // gateway's close, one more may say bye.
    this.#established = true;
    this.#sessionGone = false;
    this.#sayBye(conn);
  }

  #onWelcome(welcome: WelcomeFrame): void {
    const conn = this.#conn;
    if (this.#phase !== 'connecting' || conn === undefined) return;
    this.#clearTimer();
    this.#phase = 'open';
    this.#attempt = 0;
    this.#sessionGone = false;
    this.#welcome = welcome;
    this.#beater = new Beater(conn, this.#mode, () => this.#drop('no pong in time'));
    this.#beater.start(welcome.policy.beatIntervalMs);
    this.#refresher?.schedule(this.#token);
    const reconnect = this.#established;
    this.#established = true;
    if (reconnect) for (const frame of this.#intent.replay()) this.#send(frame);
    this.#connecting?.resolve(welcome);
    this.emit('welcome', welcome);
    // A `welcome` listener may have called close(): then `closed` is all that follows.
    if (reconnect && this.#closed === undefined) this.emit('reconnected', welcome);
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#phase === 'open';
    this.#conn = undefined;
    this.#stopConnectionWork();
    this.#clearTimer();
    if (code === CloseCode.TimedOut) this.#sessionGone = true;
    if (this.#phase === 'closing') {
      // 1000 is the gateway's close after our bye: the session is unregistered.
      if (code === CloseCode.Normal) return this.#finish(code, reason);
      return this.#byeFailed(code, reason, true);
    }
    // Closing, and the connection for bye ended before its welcome.
    if (this.#closed !== undefined) return this.#byeFailed(code, reason, false);
    if (!this.#established) return this.#failedAttempt(code, reason, undefined);
    const decision = closeDecision({
      code,
      refusedStatus: this.#refusedStatus,
      renewableToken: typeof this.#options.token !== 'string',
    });
    const willReconnect = decision.reconnect && this.#options.backoff !== undefined;
    if (wasOpen) this.emit('disconnected', { code, reason, willReconnect });
    if (this.#closed !== undefined) {
      // close() was called by a `disconnected` listener: no reconnect, only a bye.
      if (!(willReconnect && this.#connectForBye())) this.#finish(code, reason);
      return;
    }
    if (willReconnect) this.#scheduleReconnect();
    else this.#finish(code, reason);
  }

  /** An attempt that got no welcome. */
  #failedAttempt(code: number, reason: string, cause: unknown): void {
    // After close(): this was an attempt to say bye.
    if (this.#closed !== undefined) {
      this.#byeFailed(code, reason, false);
      return;
    }
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
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
    this.#connecting?.reject(new PulsegateError('unavailable', `closed: ${reason}`));
    this.emit('closed', { code, reason });
    this.#closed?.resolve();
  }
}
