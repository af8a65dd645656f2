import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisProbeOptions {
  readonly redis: Redis;
  readonly log: Logger;
  /** How long a PING may go unanswered before Redis counts as unreachable. */
  readonly timeoutMs: number;
  /** Redis stopped or started answering (on an open connection). */
  readonly onChange: (answering: boolean) => void;
}

/**
 * Tells a Redis that stopped answering on an open connection (frozen, paused, stuck host)
 * from one that answers: connection events alone miss it, since the TCP connection stays
 * up. `tick` sends one PING when none is outstanding; one unanswered for `timeoutMs` makes
 * Redis "not answering" (logged once), and the first answer afterwards makes it answer
 * again (logged once). A lost connection is not the probe's business: `reset` forgets the
 * outstanding PING, and the connection's own events report the outage.
 *
 * Why not ioredis's `commandTimeout`: a timed-out command is still executed once Redis
 * answers again, and only its reply is thrown away. A `reap` whose reply is dropped has
 * moved sessions to this node that it never adopts, and a failed pump batch is sent again;
 * the probe changes no command's fate, it only tells the node to stop sending new ones.
 */
export class RedisProbe {
  private generation = 0;
  private outstanding = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private silent = false;

  constructor(private readonly options: RedisProbeOptions) {}

  /** False from a PING unanswered for `timeoutMs` to the next answer. */
  get answering(): boolean {
    return !this.silent;
  }

  /** Sends a PING unless one is outstanding or the connection is not ready. */
  readonly tick = (): void => {
    const { redis, timeoutMs } = this.options;
    if (this.outstanding || redis.status !== 'ready') return;
    const generation = this.generation;
    this.outstanding = true;
    const sentAt = Date.now();
    this.timer = setTimeout(() => {
      // Judged after the poll phase: a reply already in the socket (this process's own
      // event loop was stalled, not Redis) is read first.
      setImmediate(() => {
        if (generation !== this.generation || !this.outstanding || this.silent) return;
        this.silent = true;
        this.options.log.warn(
          { waitedMs: Date.now() - sentAt, reason: 'no answer' },
          'redis unreachable',
        );
        this.options.onChange(false);
      });
    }, timeoutMs);
    redis.ping().then(
      () => this.answered(generation, sentAt),
      (err: unknown) => {
        // An error reply is an answer. Anything else is the connection failing: its own
        // events report that, and the next tick asks again.
        if (err instanceof Error && err.name === 'ReplyError') this.answered(generation, sentAt);
        else if (generation === this.generation) {
          this.outstanding = false;
          clearTimeout(this.timer);
        }
      },
    );
  };

  /** The connection closed or came back: the outstanding PING, if any, no longer counts. */
  reset(): void {
    this.generation++;
    this.outstanding = false;
    this.silent = false;
    clearTimeout(this.timer);
  }

  stop(): void {
    this.reset();
  }

  private answered(generation: number, sentAt: number): void {
    if (generation !== this.generation) return;
    this.outstanding = false;
    clearTimeout(this.timer);
    if (!this.silent) return;
    this.silent = false;
    this.options.log.info({ waitedMs: Date.now() - sentAt }, 'redis answers again');
    this.options.onChange(true);
  }
}
