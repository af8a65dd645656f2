import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/settings.js';
import type { Limits } from '../context.js';
import { normalizeMonitorOptions } from '../monitor/options.js';
import type { Clock } from '../monitor/types.js';
import { joinCluster, type ClusterNode } from './node.js';

/**
 * Joins the cluster named by the gateway's settings (`redisUrl`, `redisPrefix`, `nodeId`)
 * with the same policies a single-node monitor would apply.
 *
 * @example
 * ```ts
 * const node = await joinClusterFromConfig({ config, limits, log, clock });
 * const monitor = node.monitor;
 * ```
 */
export function joinClusterFromConfig(options: {
  config: GatewayConfig & { redisUrl: string };
  limits: Limits;
  log: Logger;
  clock: Clock;
}): Promise<ClusterNode> {
  const { config, limits, log, clock } = options;
  const settings = normalizeMonitorOptions({
    policy: {
      timeoutMs: config.timeoutMs,
      checkIntervalMs: config.checkIntervalMs,
      maxMissedBeats: config.maxMissedBeats,
    },
    policies: config.policies,
    maxPauseMs: config.maxPauseMs,
  });
  return joinCluster({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    nodeId: config.nodeId,
    policyFor: (agentType) => settings.policies.get(agentType) ?? settings.policy,
    rules: { maxPauseMs: settings.maxPauseMs },
    limits,
    log: log.child({ part: 'cluster' }),
    clock,
  });
}
