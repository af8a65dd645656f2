import { setTimeout as delay } from 'node:timers/promises';
import { AgentClient } from '../../client/index.js';
import { controlledSocketClass, type SocketControl } from './controlled-socket.js';
import { statusText, type Role, type Timing } from './script.js';

export interface SimAgentOptions {
  /** The gateway, e.g. `ws://127.0.0.1:7070`. */
  readonly url: string;
  readonly session: string;
  readonly agentType: string;
  readonly role: Role;
  /** Mints a fresh agent token (the client refreshes with it). */
  readonly token: () => Promise<string>;
  readonly timing: Timing;
  readonly signal: AbortSignal;
  readonly random: () => number;
}

/**
 * One simulated agent: a real `AgentClient` that plays its role until the signal aborts.
 * Its misbehaviour (silence, crashes) goes through the socket control, so the client
 * itself reacts as in production: it reconnects after a crash or a timeout.
 */
export class SimAgent {
  #client: AgentClient | undefined;
  #control: SocketControl | undefined;
  #step = 0;
  #cycles = 0;

  constructor(private readonly o: SimAgentOptions) {}

  /** Plays the role until aborted, then says `bye`. Never rejects. */
  async run(): Promise<void> {
    try {
      await this.#connect();
      while (!this.o.signal.aborted) await this.#cycle();
    } catch {
      // Aborted, or the gateway went away: the demo is stopping.
    } finally {
      await this.#client?.close().catch(() => undefined);
    }
  }

  async #cycle(): Promise<void> {
    const { timing: t } = this.o;
    await this.#work();
    switch (this.o.role) {
      case 'steady':
        return;
      case 'asker': {
        const client = this.#current();
        client.pause('awaiting user input');
        if (this.#cycles++ % 2 === 0) {
          // Crash while paused: the gateway resumes it (by gateway, reason disconnected);
          // the client pauses again once back, as its user is still to answer.
          await this.#sleep(t.pauseMs / 2);
          await this.#crash();
          await this.#sleep(t.pauseMs / 2);
          this.#current().resume();
          return;
        }
        await this.#sleep(t.pauseMs);
        client.resume();
        return;
      }
      case 'straggler':
        this.#mute(true);
        await this.#sleep(t.silenceMs);
        this.#mute(false);
        this.#current().status(statusText(this.o.agentType, ++this.#step));
        return;
      case 'crasher':
        await this.#crash();
        return;
      case 'vanisher': {
        const client = this.#current();
        const dropped = once(client, 'disconnected', this.o.signal, t.patienceMs);
        this.#mute(true);
        // The gateway times it out and closes with 4010; the client reconnects by itself
        // on a new, unmuted socket, and the gateway registers a new session.
        await dropped;
        await once(client, 'welcome', this.o.signal, t.patienceMs);
        return;
      }
      case 'finisher':
        await this.#current().close();
        this.#client = undefined;
        await this.#sleep(t.awayMs);
        await this.#connect();
        return;
    }
  }

  async #work(): Promise<void> {
    const { timing: t, random } = this.o;
    const until = Date.now() + t.workMinMs * (1 + random());
    while (Date.now() < until) {
      this.#current().status(statusText(this.o.agentType, ++this.#step));
      await this.#sleep(Math.min(t.statusEveryMs, Math.max(0, until - Date.now())));
    }
  }

  async #crash(): Promise<void> {
    const client = this.#current();
    const back = once(client, 'welcome', this.o.signal, this.o.timing.patienceMs);
    this.#control?.crash();
    await back;
  }

  async #connect(): Promise<void> {
    const client = new AgentClient({
      url: this.o.url,
      token: this.o.token,
      beatWith: 'message',
      reconnect: { minMs: 200, maxMs: 2_000 },
      random: this.o.random,
      WebSocket: controlledSocketClass((control) => {
        this.#control = control;
      }),
    });
    this.#client = client;
    await client.connect();
  }

  #current(): AgentClient {
    if (this.#client === undefined) throw new Error('not connected');
    return this.#client;
  }

  #mute(muted: boolean): void {
    if (this.#control !== undefined) this.#control.muted = muted;
  }

  #sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.o.signal });
  }
}

/** Resolves on the client's next `event`, or after `timeoutMs`; rejects when aborted. */
function once(
  client: AgentClient,
  event: 'welcome' | 'disconnected',
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      off();
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = (): void => {
      off();
      clearTimeout(timer);
      reject(signal.reason);
    };
    const off = client.once(event, done);
    const timer = setTimeout(done, timeoutMs);
    if (signal.aborted) aborted();
    else signal.addEventListener('abort', aborted, { once: true });
  });
}
