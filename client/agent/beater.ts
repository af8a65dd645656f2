import { encodeAgentFrame } from '../../shared/agent-frames.js';
import type { Connection } from './transport.js';

/** How beats travel: WebSocket ping frames (Node only) or `beat` messages. */
export type BeatMode = 'ping' | 'message';

/** Shortest beat period the client accepts from a `welcome`, in ms. */
const MIN_BEAT_INTERVAL_MS = 50;

/**
 * Sends beats on one connection at the advised period. In ping mode it also watches the
 * pongs: a ping still unanswered when the next beat is due means the connection is dead
 * (a half-open TCP connection never closes by itself), and `onDead` is called.
 */
export class Beater {
  #timer: ReturnType<typeof setInterval> | undefined;
  #awaitingPong = false;

  constructor(
    private readonly connection: Connection,
    private readonly mode: BeatMode,
    private readonly onDead: () => void,
  ) {}

  start(intervalMs: number): void {
    this.stop();
    this.#awaitingPong = false;
    const period = Math.max(MIN_BEAT_INTERVAL_MS, intervalMs);
    this.#timer = setInterval(() => this.#tick(), period);
  }

  /** A pong arrived: the connection is alive. */
  pong(): void {
    this.#awaitingPong = false;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.mode === 'message') {
      this.connection.send(encodeAgentFrame({ type: 'beat' }));
      return;
    }
    if (this.#awaitingPong) {
      this.stop();
      this.onDead();
      return;
    }
    this.#awaitingPong = true;
    this.connection.ping();
  }
}
