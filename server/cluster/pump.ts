import type { Logger } from 'pino';
import type { Held } from './stored.js';
import type { OpSink } from './owner.js';
import type { Beat, ClusterStore, OpResult, StoreOp } from './store.js';

/** What the pump reports back, per operation, once the store answered. */
export interface PumpHooks {
  result(op: StoreOp, result: OpResult): void;
  /** Beats that did not reach the store (the batch failed): flush them again later. */
  unflushed(beats: readonly Beat[]): void;
  /** The next beats to flush (the owner's dirty sessions). */
  dirty(): Beat[];
  /** An operation dropped unsent because the queue was full (Redis away too long). */
  dropped(op: StoreOp): void;
}

export interface PumpOptions {
  readonly store: ClusterStore;
  readonly node: string;
  readonly log: Logger;
  /** Operations sent per batch (one pipeline). */
  readonly maxBatch: number;
  /** Operations kept while the store is unreachable; past it the oldest are dropped. */
  readonly maxQueue: number;
}

/**
 * Sends the owner's claims and commits to the shared store in order, one batch (one
 * pipeline) in flight at a time, with the dirty beats flushed at the end of a batch. While
 * the store is unreachable the operations wait here; a failed batch is sent again whole,
 * which is safe because the store answers `dup` to operations it already applied.
 */
export class Pump implements OpSink {
  private queue: StoreOp[] = [];
  private nextOp = 1;
  private busy = false;
  private flushWanted = false;
  private paused = true;
  private dropped = 0;
  private hooks: PumpHooks | undefined;

  constructor(private readonly options: PumpOptions) {}

  /** Operations waiting (for readiness reports and tests). */
  get backlog(): number {
    return this.queue.length;
  }

  connect(hooks: PumpHooks): void {
    this.hooks = hooks;
  }

  claim(held: Held, expected: number, transitions: readonly string[]): number {
    const op = this.nextOp++;
    const { record, lastBeat } = held;
    this.push({ kind: 'claim', op, record, lastBeat, expected, transitions });
    return op;
  }

  commit(
    tenant: string,
    id: string,
    held: Held | undefined,
    transitions: readonly string[],
  ): number {
    const op = this.nextOp++;
    const record = held?.record;
    const lastBeat = held?.lastBeat ?? 0;
    this.push({ kind: 'commit', op, tenant, id, record, lastBeat, transitions });
    return op;
  }

  /** Asks for a flush of the dirty beats (the flush timer). */
  flush(): void {
    this.flushWanted = true;
    this.kick();
  }

  /** The store became (un)reachable. */
  setReachable(reachable: boolean): void {
    this.paused = !reachable;
    this.kick();
  }

  /** Resolves once everything queued has been sent (or the store is unreachable). */
  async drain(): Promise<void> {
    this.flushWanted = true;
    while (!this.paused && (this.busy || this.queue.length > 0 || this.flushWanted)) {
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private push(op: StoreOp): void {
    this.queue.push(op);
    if (this.queue.length > this.options.maxQueue) {
      const lost = this.queue.shift();
      if (lost !== undefined) this.hooks?.dropped(lost);
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.options.log.error({ dropped: this.dropped }, 'cluster queue full: operations dropped');
      }
    }
    this.kick();
  }

  private kick(): void {
    if (this.busy || this.paused || this.hooks === undefined) return;
    if (this.queue.length === 0 && !this.flushWanted) return;
    this.busy = true;
    // Transitions of one tick go out together in one pipeline.
    setImmediate(() => {
      this.send().then(
        () => {
          this.busy = false;
          this.kick();
        },
        () => {
          this.busy = false;
        },
      );
    });
  }

  private async send(): Promise<void> {
    const hooks = this.hooks;
    if (hooks === undefined) return;
    const batch = this.queue.slice(0, this.options.maxBatch);
    const beats = this.flushWanted ? hooks.dirty() : [];
    this.flushWanted = false;
    const ops: StoreOp[] = beats.length > 0 ? [...batch, { kind: 'flush', op: 0, beats }] : batch;
    if (ops.length === 0) return;
    let results: OpResult[];
    try {
      results = await this.options.store.apply(this.options.node, ops);
    } catch (error) {
      hooks.unflushed(beats);
      this.options.log.debug({ err: error }, 'cluster batch failed; kept for retry');
      throw error;
    }
    // Only what was sent goes: operations queued meanwhile stay, in order.
    const sent = new Set(batch);
    while (this.queue.length > 0 && sent.has(this.queue[0] as StoreOp)) this.queue.shift();
    ops.forEach((op, i) => {
      const result = results[i];
      if (result !== undefined) hooks.result(op, result);
    });
  }
}
