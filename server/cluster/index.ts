export {
  joinCluster,
  type ClusterNode,
  type ClusterNodeOptions,
  type LossListener,
} from './node.js';
export { DEFAULT_TIMINGS, resolveTimings, type ClusterTimings } from './timings.js';
export type { ClusterStore, StoreOp, OpResult, SharedSession, StoredEvent } from './store.js';
export { MemoryClusterStore } from './memory-store.js';
export { RedisClusterStore } from './redis-store.js';
export { clusterKeys, type ClusterKeys } from './keys.js';
