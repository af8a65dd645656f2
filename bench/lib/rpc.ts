import type { ChildProcess } from 'node:child_process';
import { isJsonRecord, type JsonRecord } from '../../shared/record.js';

/**
 * Request/response over the IPC channel of a bench child. Requests are
 * `{id, cmd, args}`, answers `{id, ok, data | error}`; anything else a child sends
 * (`{event, data}`) goes to `onEvent`.
 */
export type Handler = (args: JsonRecord) => JsonRecord | Promise<JsonRecord>;

/** Child side: answers requests with `handlers`; exits when the parent goes away. */
export function serveRpc(handlers: Readonly<Record<string, Handler>>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: unknown) => {
    if (!isJsonRecord(message) || typeof message['id'] !== 'number') return;
    const id = message['id'];
    const cmd = message['cmd'];
    const args = isJsonRecord(message['args']) ? message['args'] : {};
    const handler = typeof cmd === 'string' ? handlers[cmd] : undefined;
    if (handler === undefined) {
      process.send?.({ id, ok: false, error: `unknown command ${String(cmd)}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(args))
      .then(
        (data) => process.send?.({ id, ok: true, data }),
        (error: unknown) => process.send?.({ id, ok: false, error: String(error) }),
      );
  });
}

/** Child side: an unsolicited event to the parent. */
export function emitEvent(event: string, data: JsonRecord): void {
  process.send?.({ event, data });
}

/** Parent side. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (data: JsonRecord) => void; reject: (error: Error) => void }
  >();

  constructor(
    readonly child: ChildProcess,
    private readonly onEvent: (event: string, data: JsonRecord) => void = () => {},
  ) {
    child.on('message', (message: unknown) => this.receive(message));
    child.once('exit', (code, signal) => {
      const error = new Error(`bench child exited (${String(code ?? signal)})`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  private receive(message: unknown): void {
    if (!isJsonRecord(message)) return;
    const { id, event, data } = message;
    if (typeof event === 'string') {
      this.onEvent(event, isJsonRecord(data) ? data : {});
      return;
    }
    if (typeof id !== 'number') return;
    const waiter = this.pending.get(id);
    if (waiter === undefined) return;
    this.pending.delete(id);
    if (message['ok'] === true && isJsonRecord(data)) waiter.resolve(data);
    else waiter.reject(new Error(`bench child: ${String(message['error'])}`));
  }

  /** Sends a command and waits for its answer (rejects after `timeoutMs`). */
  call(cmd: string, args: JsonRecord = {}, timeoutMs = 120_000): Promise<JsonRecord> {
    const id = this.nextId++;
    return new Promise<JsonRecord>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench child: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, cmd, args });
    });
  }
}
