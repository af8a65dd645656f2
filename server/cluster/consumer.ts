import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeEvents } from './redis-store.js';
import type { StoredEvent } from './store.js';

/**
 * Reads the deployment's event stream from `after` on, with `XREAD BLOCK` on a connection
 * of its own, and hands each event to `onEvent` in order. A read that fails (Redis away)
 * is retried from the same position once the connection is back.
 */
export class StreamConsumer {
  private stopped = false;
  private healthy = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly options: {
      readonly redis: Redis;
      readonly stream: string;
      readonly log: Logger;
      readonly onEvent: (event: StoredEvent) => void;
      readonly blockMs: number;
      readonly count: number;
    },
  ) {}

  /** True while the last read succeeded. */
  get ok(): boolean {
    return this.healthy;
  }

  start(after: number): void {
    this.loop = this.run(after);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.redis.disconnect();
    await this.loop;
  }

  private async run(after: number): Promise<void> {
    const { redis, stream, blockMs, count, onEvent } = this.options;
    let last = after;
    while (!this.stopped) {
      let reply: unknown;
      try {
        reply = await redis.call('xread', [
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          stream,
          `${last}-0`,
        ]);
        this.healthy = true;
      } catch (error) {
        this.healthy = false;
        if (this.stopped) return;
        this.options.log.debug({ err: error }, 'event stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (!Array.isArray(reply)) continue;
      const streams: readonly unknown[] = reply;
      for (const pair of streams) {
        if (!Array.isArray(pair)) continue;
        for (const event of decodeEvents(pair[1])) {
          if (event.seq <= last) continue;
          last = event.seq;
          onEvent(event);
        }
      }
    }
  }
}
