import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Policy } from '../../shared/session.js';
import type { Limits } from '../context.js';
import { intervalTicker, type Ticker } from '../monitor/scheduler.js';
import { TimerScheduler } from '../monitor/scheduler.js';
import type { RuleSettings } from '../monitor/rules.js';
import type { Clock, MonitorTransition, Scheduler, TransitionListener } from '../monitor/types.js';
import { ClusterMonitor } from './cluster-monitor.js';
import { decodeTransition } from './codec.js';
import { StreamConsumer } from './consumer.js';
import { StreamEventLog } from './event-log.js';
import { decodeBeats, decodeInbox, encodeCommand } from './inbox.js';
import { clusterKeys } from './keys.js';
import { SessionMirror } from './mirror.js';
import { OwnedSessions, ownerPumpHooks, type LossReason } from './owner.js';
import { Liveness } from './liveness.js';
import { Pump } from './pump.js';
import { clusterClient } from './redis-client.js';
import { RedisProbe } from './redis-probe.js';
import { RedisClusterStore } from './redis-store.js';
import type { StoredEvent } from './store.js';
import { resolveTimings, type ClusterTimings } from './timings.js';

export interface ClusterNodeOptions {
  readonly redisUrl: string;
  /** `PULSEGATE_REDIS_PREFIX`. */
  readonly prefix: string;
  /** `PULSEGATE_NODE_ID`; a random one when absent. */
  readonly nodeId?: string | undefined;
  readonly policyFor: (agentType: string) => Policy;
  readonly rules: RuleSettings;
  readonly limits: Limits;
  readonly log: Logger;
  readonly clock: Clock;
  readonly scheduler?: Scheduler;
  readonly ticker?: Ticker;
  readonly timings?: Partial<ClusterTimings>;
}

/** Someone took a session away from this node: close its agent (4009, or 1001 to come back). */
export type LossListener = (tenant: string, session: string, reason: LossReason) => void;

/** One gateway process's membership of a cluster. */
export interface ClusterNode {
  /** This process's incarnation: `<node id>#<random>`, the owner name in Redis. */
  readonly id: string;
  readonly monitor: ClusterMonitor;
  readonly events: StreamEventLog;
  /**
   * False while Redis is unreachable (connection lost, or a PING unanswered for
   * `probeTimeoutMs`) and before the first load: `/readyz` 503.
   */
  ready(): boolean;
  onLoss(listener: LossListener): () => void;
  /** Operations waiting for Redis. */
  readonly backlog: number;
  close(): Promise<void>;
}

/**
 * Joins the cluster: loads the event tail and the read replica, follows the stream, marks
 * this node alive, reaps dead nodes, and pumps this node's decisions to Redis. Resolves
 * once the first load is done; while Redis is unreachable it keeps trying and the node
 * serves its own agents meanwhile.
 *
 * @example
 * ```ts
 * const node = await joinCluster({ redisUrl, prefix: 'pulsegate:', policyFor, rules, limits, log, clock });
 * node.monitor.connect('s1', 'planner');
 * ```
 */
export async function joinCluster(options: ClusterNodeOptions): Promise<ClusterNode> {
  const timings = resolveTimings(options.timings);
  const { log, clock, limits } = options;
  const keys = clusterKeys(options.prefix);
  const id = `${options.nodeId ?? randomBytes(4).toString('hex')}#${randomBytes(4).toString('hex')}`;
  const cmd = clusterClient(options.redisUrl, log, `pulsegate:${id}:cmd`, false);
  const sub = clusterClient(options.redisUrl, log, `pulsegate:${id}:sub`, true);
  const xread = clusterClient(options.redisUrl, log, `pulsegate:${id}:xread`, false);
  const store = new RedisClusterStore({
    redis: cmd,
    keys,
    streamMaxLen: limits.retainEvents * 10,
  });
  const ticker = options.ticker ?? intervalTicker;
  const listeners = new Set<TransitionListener>();
  const lossListeners = new Set<LossListener>();
  const pump = new Pump({
    store,
    node: id,
    log,
    maxBatch: timings.maxBatch,
    maxQueue: timings.maxQueue,
  });
  const owned = new OwnedSessions({
    clock,
    scheduler: options.scheduler ?? new TimerScheduler(clock),
    rules: options.rules,
    sink: pump,
    hooks: {
      transition(t: MonitorTransition) {
        for (const l of listeners) {
          try {
            l(t);
          } catch (error) {
            log.error({ err: error }, 'transition listener failed');
          }
        }
      },
      lost(tenant, session, reason) {
        log.info({ tenant, session, reason }, 'session owned elsewhere now');
        for (const l of lossListeners) l(tenant, session, reason);
      },
    },
  });
  pump.connect(ownerPumpHooks(owned));
  const mirror = new SessionMirror();
  const events = new StreamEventLog({ limits, clock, log });
  const liveness = new Liveness({
    store,
    node: id,
    clock,
    timings,
    log,
    adopt: (sessions) => owned.adopt(sessions),
  });
  let consuming = false;

  const monitor = new ClusterMonitor({
    owned,
    mirror,
    clock,
    rules: options.rules,
    policyFor: options.policyFor,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    forward(tenant, session, command, orphan) {
      store.forward(tenant, session, encodeCommand(tenant, session, command)).then(
        (heard) => {
          if (!heard) orphan();
        },
        (err: unknown) => log.warn({ err, tenant, session }, 'command not forwarded'),
      );
    },
  });

  function onEvent(e: StoredEvent): void {
    const t = decodeTransition(e.encoded);
    if (t === undefined) {
      log.warn({ seq: e.seq }, 'malformed event in the stream skipped');
      return;
    }
    if (e.after === null) mirror.remove(t.tenant, t.session, e.seq);
    else if (e.after !== undefined) mirror.put(e.after);
    events.push(t, e.encoded);
  }
  const consumer = new StreamConsumer({
    redis: xread,
    stream: keys.events,
    log,
    onEvent,
    blockMs: timings.blockMs,
    count: 1000,
  });

  sub.on('message', (channel: string, message: string) => {
    if (channel === keys.beats) {
      for (const b of decodeBeats(message)) mirror.beat(b.tenant, b.id, b.lastBeat, b.status);
      return;
    }
    const m = decodeInbox(message);
    if (m === undefined) return;
    if (m.kind === 'lost') owned.drop(m.tenant, m.id, 'replaced');
    else monitor.receive(m.tenant, m.id, m.command);
  });

  // Redis is reachable while the command connection is up and answers. Both ways of losing
  // it (a closed connection, a Redis that stopped answering on an open one) and of getting
  // it back take the same path: readiness, the pump, and the liveness grace period.
  let connected = false;
  let reachable = false;
  const probe = new RedisProbe({
    redis: cmd,
    log,
    timeoutMs: timings.probeTimeoutMs,
    onChange: () => judgeReachable(),
  });
  // On a hang the pump is paused too: its batch in flight is answered when Redis wakes
  // (and is retry-safe), new ones would only pile up in the socket, and `close` need not
  // wait for a drain that cannot end.
  function judgeReachable(): void {
    const now = connected && probe.answering;
    if (now === reachable) return;
    reachable = now;
    if (now) liveness.up();
    else liveness.down();
    pump.setReachable(now);
  }
  cmd.on('ready', () => {
    probe.reset();
    connected = true;
    judgeReachable();
  });
  cmd.on('close', () => {
    probe.reset();
    connected = false;
    judgeReachable();
  });

  const stops = [
    ticker.every(timings.probeMs, probe.tick),
    () => probe.stop(),
    ticker.every(timings.flushMs, () => pump.flush()),
    ticker.every(timings.aliveMs, liveness.markAlive),
    ticker.every(timings.reapMs, () => void liveness.reap()),
  ];

  async function load(): Promise<void> {
    const tail = await store.lastEvents(limits.retainEvents);
    for (const e of tail) {
      const t = decodeTransition(e.encoded);
      if (t !== undefined) events.push(t, e.encoded, Date.parse(t.at));
    }
    for (const s of await store.loadAll()) mirror.put(s);
    if (!consuming) consumer.start(events.seq);
    consuming = true;
    await sub.subscribe(keys.inbox(id), keys.beats);
    liveness.loadedNow();
  }

  await Promise.all([cmd.connect(), sub.connect(), xread.connect()]).catch((err: unknown) =>
    log.warn({ err }, 'redis not reachable at start; retrying'),
  );
  owned.start();
  const loading = (async () => {
    while (!liveness.stopped) {
      try {
        if (cmd.status !== 'ready') throw new Error('redis not ready');
        await load();
        log.info({ node: id, sessions: mirror.size, seq: events.seq }, 'joined the cluster');
        return;
      } catch (err) {
        log.debug({ err }, 'cluster load failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  })();
  // Redis away at start: serve local agents meanwhile, not ready, and keep loading.
  await Promise.race([loading, new Promise((resolve) => setTimeout(resolve, 3_000))]);

  return {
    id,
    monitor,
    events,
    ready: () => liveness.ready,
    onLoss(listener) {
      lossListeners.add(listener);
      return () => lossListeners.delete(listener);
    },
    get backlog() {
      return pump.backlog;
    },
    async close() {
      if (liveness.stopped) return;
      for (const stop of stops) stop();
      owned.stop();
      await Promise.race([pump.drain(), new Promise((r) => setTimeout(r, 2_000))]);
      // A Redis that stopped answering (not found yet) would hold this forever; without
      // the mark, survivors take the rest after `ttlMs` instead of `reapMs`.
      let giveUp: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        liveness.leave(),
        new Promise((r) => (giveUp = setTimeout(r, 1_000))),
      ]).finally(() => clearTimeout(giveUp));
      await consumer.stop();
      sub.disconnect();
      cmd.disconnect();
    },
  };
}
