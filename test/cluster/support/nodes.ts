import pino from 'pino';
import type { Transition } from '../../../shared/session.js';
import { DEFAULT_LIMITS } from '../../../server/context.js';
import { joinCluster, type ClusterNode } from '../../../server/cluster/node.js';
import type { ClusterTimings } from '../../../server/cluster/timings.js';
import { systemClock } from '../../../server/monitor/clock.js';
import { REDIS_URL } from './redis.js';

export const POLICY = { timeoutMs: 400, checkIntervalMs: 200, maxMissedBeats: 2 };

export const FAST: Partial<ClusterTimings> = {
  flushMs: 50,
  aliveMs: 100,
  ttlMs: 500,
  reapMs: 100,
  graceMs: 300,
  blockMs: 200,
};

/** A cluster node in this process, with every event its log delivers recorded. */
export interface TestNode {
  readonly node: ClusterNode;
  readonly seen: Transition[];
}

export async function startNode(
  prefix: string,
  name: string,
  url = REDIS_URL,
  timings: Partial<ClusterTimings> = FAST,
): Promise<TestNode> {
  const node = await joinCluster({
    redisUrl: url,
    prefix,
    nodeId: name,
    policyFor: () => POLICY,
    rules: { maxPauseMs: 0 },
    limits: DEFAULT_LIMITS,
    log: pino({ level: process.env.CLUSTER_LOG ?? 'silent' }),
    clock: systemClock,
    timings,
  });
  const seen: Transition[] = [];
  node.events.subscribe((t) => seen.push(t));
  return { node, seen };
}

/** Waits until `check` holds, polling; fails after `ms`. */
export async function until(check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const kinds = (seen: readonly Transition[], session?: string) =>
  seen.filter((t) => session === undefined || t.session === session).map((t) => t.kind);
