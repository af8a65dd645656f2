import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection of a cluster node. It reconnects quickly and forever (a node outlives
 * Redis outages), reports the first error of an outage once, and, unless `offlineQueue`,
 * refuses commands at once while disconnected: the node keeps its own bounded queue
 * instead of ioredis's unbounded one. There is no command timeout: a Redis that stops
 * answering on an open connection is found by the node's PING probe (`redis-probe.ts`),
 * which says why a timeout per command would be worse.
 */
export function clusterClient(
  url: string,
  log: Logger,
  name: string,
  offlineQueue: boolean,
): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: offlineQueue,
    maxRetriesPerRequest: offlineQueue ? null : 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
    connectionName: name,
  });
  let reported = false;
  redis.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    log.warn({ err: err.message, connection: name }, 'redis unreachable');
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}
