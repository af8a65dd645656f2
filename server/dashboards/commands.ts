import type { Logger } from 'pino';
import {
  readDashboardCommand,
  type AckError,
  type DashboardCommand,
  type Snapshot,
} from '../../shared/dashboard.js';
import { PulsegateError, type ErrorCode } from '../../shared/errors.js';
import type { SessionStatus } from '../../shared/session.js';
import type { EventLog } from '../edges.js';
import { TokenBucket } from '../agents/token-bucket.js';
import type { Clock, Monitor } from '../monitor/types.js';
import type { DashboardFanout } from './fanout.js';
import { compileFilter, matches, type CompiledFilter } from './filter.js';
import type { SendQueues } from './send-queue.js';
import type { DashboardSocket } from './types.js';

/** What the command handlers need; one record per hub. */
export interface CommandDeps {
  readonly monitor: Monitor;
  readonly events: EventLog;
  readonly fanout: DashboardFanout;
  /** Every reply counts against the dashboard's buffer limit. */
  readonly queues: SendQueues;
  readonly log: Logger;
  /** Commands per second per dashboard (a token bucket); absent: not limited. */
  readonly rate?: { readonly perSecond: number; readonly burst: number; readonly clock: Clock };
}

type Reply = ({ ok: true } & object) | AckError;

const COMMANDS: ReadonlySet<string> = new Set<DashboardCommand>([
  'subscribe',
  'list',
  'pause',
  'resume',
  'unregister',
]);

function isCommand(event: unknown): event is DashboardCommand {
  return typeof event === 'string' && COMMANDS.has(event);
}

function isAck(value: unknown): value is (reply: Reply) => void {
  return typeof value === 'function';
}

function refusal(code: ErrorCode, message: string): AckError {
  return { ok: false, error: { code, message } };
}

function refused(error: PulsegateError): AckError {
  return refusal(error.code, error.message);
}

/** The tenant's sessions that pass a filter: what a snapshot carries. */
export function snapshotOf(
  deps: CommandDeps,
  tenant: string,
  filter: CompiledFilter | undefined,
  reset: boolean,
): Snapshot {
  const seq = deps.events.seq;
  const all = deps.monitor.listStatus({ tenant });
  const sessions = filter === undefined ? all : all.filter((s) => matches(filter, s));
  return { seq, reset, sessions };
}

function run(deps: CommandDeps, socket: DashboardSocket, command: DashboardCommand, arg: unknown) {
  const { identity } = socket.data;
  const { tenant } = identity;
  switch (command) {
    case 'subscribe': {
      const filter = readDashboardCommand('subscribe', arg);
      if (filter instanceof PulsegateError) return refused(filter);
      const compiled = compileFilter(filter);
      deps.fanout.setFilter(socket, compiled);
      return { ok: true, snapshot: snapshotOf(deps, tenant, compiled, false) } as const;
    }
    case 'list': {
      const args = readDashboardCommand('list', arg);
      if (args instanceof PulsegateError) return refused(args);
      const sessions: SessionStatus[] = deps.monitor.listStatus({ tenant });
      return { ok: true, sessions } as const;
    }
    case 'pause':
    case 'resume':
    case 'unregister': {
      if (!identity.canControl) return refusal('forbidden', 'sessions:control is needed');
      const args = readDashboardCommand(command, arg);
      if (args instanceof PulsegateError) return refused(args);
      // Another tenant's session is as unknown as a missing one: nothing is revealed.
      if (deps.monitor.getStatus(args.session, { tenant }) === undefined) {
        return refusal('not_found', 'no such session');
      }
      if (command === 'unregister')
        deps.monitor.unregister(args.session, { tenant, by: 'dashboard' });
      else if (command === 'resume') deps.monitor.resume(args.session, { tenant, by: 'dashboard' });
      else {
        const reason = 'reason' in args ? args.reason : undefined;
        deps.monitor.pause(args.session, { tenant, by: 'dashboard', reason });
      }
      return { ok: true } as const;
    }
  }
}

/**
 * Creates the one listener (Socket.IO `onAny`, `this` is the socket) that serves every
 * dashboard's commands. A command without an acknowledgement callback is ignored, as is
 * any event that is not a command: neither changes state.
 *
 * A dashboard past its buffer limit is disconnected before its command is run: it gets no
 * reply, so a client that sends commands and never reads cannot make the gateway build
 * replies (a `list` carries every session of the tenant) without bound. Each reply is
 * then measured like every other packet (`SendQueues`), and the limit checked again.
 *
 * @example
 * ```ts
 * socket.onAny(createCommandListener({ monitor, events, fanout, queues, log }));
 * ```
 */
export function createCommandListener(deps: CommandDeps) {
  // One bucket per dashboard, dropped with its socket: a flood of pause/resume cannot
  // turn one connection into a transition storm for every other dashboard.
  const buckets = new WeakMap<DashboardSocket, TokenBucket>();
  function overRate(socket: DashboardSocket): boolean {
    const { rate } = deps;
    if (rate === undefined) return false;
    const now = rate.clock.now();
    let bucket = buckets.get(socket);
    if (bucket === undefined)
      buckets.set(socket, (bucket = new TokenBucket(rate.perSecond, rate.burst, now)));
    return !bucket.take(now);
  }
  function answer(socket: DashboardSocket, ack: (reply: Reply) => void, reply: Reply): void {
    deps.queues.reply(socket, () => ack(reply));
    deps.queues.cutIfOver(socket);
  }
  return function onCommand(this: DashboardSocket, event: unknown, ...args: unknown[]): void {
    if (!isCommand(event)) return;
    const ack = args[args.length - 1];
    if (!isAck(ack)) return;
    if (deps.queues.cutIfOver(this)) return;
    if (overRate(this)) return answer(this, ack, refusal('rate_limited', 'too many commands'));
    const arg = args.length > 1 ? args[0] : undefined;
    let reply: Reply;
    try {
      reply = run(deps, this, event, arg);
    } catch (error) {
      deps.log.error({ err: error, command: event }, 'dashboard command failed');
      reply = refusal('internal', 'internal error');
    }
    answer(this, ack, reply);
  };
}
