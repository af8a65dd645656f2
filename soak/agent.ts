/**
 * One soak agent: it beats, and now and then does one thing whose transitions are certain
 * (every timing keeps a wide margin from the deadlines): pause and resume, go silent long
 * enough for a warning and come back, go silent until the gateway times it out and come
 * back as a new session, drop its connection and come back, or pause its beats briefly.
 * It records the transitions each action must cause, in order: the soak's expectation.
 */
import { WebSocket } from 'ws';

export interface Timing {
  readonly timeoutMs: number;
  readonly checkIntervalMs: number;
  readonly maxMissedBeats: number;
  readonly beatMs: number;
}

export type Action = 'pause' | 'warn' | 'timeout' | 'drop' | 'hush';

const ACTIONS: readonly (readonly [Action, number])[] = [
  ['pause', 0.3],
  ['warn', 0.25],
  ['timeout', 0.15],
  ['drop', 0.2],
  ['hush', 0.1],
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pick(random: () => number): Action {
  let x = random();
  for (const [action, weight] of ACTIONS) {
    if (x < weight) return action;
    x -= weight;
  }
  return 'hush';
}

export class SoakAgent {
  /** The transition kinds this agent's actions must have caused, in order. */
  readonly expected: string[] = [];
  readonly actions: Record<Action, number> = { pause: 0, warn: 0, timeout: 0, drop: 0, hush: 0 };
  private ws: WebSocket | undefined;
  private beating = false;
  private beatTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Ends the idle wait between actions early, on `stop()`. */
  private wake: (() => void) | undefined;
  /** Unexpected close codes (anything but our own drops and the 4010 we wait for). */
  readonly surprises: number[] = [];
  /** Why this agent stopped early (a reconnect that never got through), if it did. */
  failure: string | undefined;

  constructor(
    readonly session: string,
    private readonly url: string,
    private readonly token: string,
    private readonly timing: Timing,
    private readonly random: () => number,
  ) {}

  /**
   * Connects; `expect` is what the connect must emit (`registered` or `reconnected`). An
   * upgrade answered with an HTTP error (a 408 or 503 on a starved machine) never reached
   * the monitor, so it is retried, as an SDK would.
   */
  async connect(expect: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.open();
      if (outcome === undefined) break;
      if (outcome.status === undefined || attempt >= 10) {
        throw new Error(`${this.session}: ${outcome.why}`);
      }
      await sleep(200 * attempt + this.random() * 300);
    }
    this.expected.push(expect);
    this.startBeats();
  }

  /** One upgrade: undefined once welcomed, else why (with the HTTP status, if any). */
  private async open(): Promise<{ status?: number; why: string } | undefined> {
    const ws = new WebSocket(this.url, {
      headers: { authorization: `Bearer ${this.token}` },
      localAddress: '127.0.0.1',
    });
    ws.on('error', () => {});
    // Before the 101 nothing reached the monitor: a reset there is retried like an HTTP error.
    let upgraded = false;
    ws.once('upgrade', () => (upgraded = true));
    return new Promise((resolve) => {
      ws.once('message', () => {
        this.ws = ws;
        resolve(undefined);
      });
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, why: `upgrade answered ${res.statusCode}` });
      });
      ws.once('close', (code) =>
        resolve(
          upgraded
            ? { why: `closed ${code} before welcome` }
            : { status: 0, why: `connection lost before the upgrade (${code})` },
        ),
      );
    });
  }

  /** Runs actions until `stop()`; resolves once the current action has finished. */
  async run(): Promise<void> {
    // The first action comes within 20 s (the fleet's actions spread over time), then
    // every 20-60 s.
    let idle = this.random() * 20_000;
    while (!this.stopping) {
      const wait = idle;
      idle = 20_000 + this.random() * 40_000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.stopping) break;
      const action = pick(this.random);
      this.actions[action] += 1;
      try {
        await this[action]();
      } catch (error) {
        // A failed reconnect ends this agent's part; the report counts it as a failure.
        this.failure = error instanceof Error ? error.message : String(error);
        return;
      }
    }
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  close(): void {
    this.stopBeats();
    this.ws?.terminate();
  }

  /**
   * The close code of the current socket: at once if it is already closed (the gateway
   * closed it earlier than expected), -1 if it does not close within `ms`.
   */
  private closeOf(ms: number): Promise<number> {
    const ws = this.ws;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return Promise.resolve(-2);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve(-1);
      }, ms);
      ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  private send(frame: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  private startBeats(): void {
    this.beating = true;
    clearInterval(this.beatTimer);
    this.beatTimer = setInterval(() => {
      if (this.beating) this.send('{"type":"beat"}');
    }, this.timing.beatMs);
  }

  private stopBeats(): void {
    this.beating = false;
    clearInterval(this.beatTimer);
  }

  /** A beat now, then silence: L is now. */
  private lastBeatThenSilence(): void {
    this.stopBeats();
    this.send('{"type":"beat"}');
  }

  private async pause(): Promise<void> {
    this.send('{"type":"pause","reason":"soak"}');
    this.expected.push('paused');
    await sleep(2_000 + this.random() * 2_000);
    this.send('{"type":"resume"}');
    this.expected.push('resumed');
  }

  /** Silent past the warning, back well before the next missed beat. */
  private async warn(): Promise<void> {
    const { timeoutMs, checkIntervalMs } = this.timing;
    this.lastBeatThenSilence();
    // A third of C past the warning: a second of margin on both sides under load.
    await sleep(timeoutMs + checkIntervalMs / 3);
    this.expected.push('warning');
    this.send('{"type":"beat"}');
    this.expected.push('recovered');
    this.startBeats();
  }

  /** Silent until the gateway times the session out and closes 4010; back as new. */
  private async timeout(): Promise<void> {
    const { timeoutMs, checkIntervalMs, maxMissedBeats: m } = this.timing;
    const closed = this.closeOf(timeoutMs + m * checkIntervalMs + 10_000);
    this.lastBeatThenSilence();
    const code = await closed;
    if (code !== 4010) this.surprises.push(code);
    const { maxMissedBeats } = this.timing;
    this.expected.push('warning');
    for (let k = 2; k < maxMissedBeats; k++) this.expected.push('missed');
    this.expected.push('timeout');
    await sleep(300 + this.random() * 500);
    await this.connect('registered');
  }

  /** The connection drops (no close frame); back before any deadline. */
  private async drop(): Promise<void> {
    this.lastBeatThenSilence();
    const closed = this.closeOf(10_000);
    this.ws?.terminate();
    const code = await closed;
    if (code !== 1006) this.surprises.push(code);
    this.expected.push('disconnected');
    await sleep(500 + this.random() * 500);
    await this.connect('reconnected');
  }

  /** A short silence, well inside the timeout: no transition at all. */
  private async hush(): Promise<void> {
    this.lastBeatThenSilence();
    await sleep(this.timing.timeoutMs / 2);
    this.startBeats();
  }
}
