/**
 * `pulsegate/client` for Node: the agent client (over `ws`, beating with ping frames),
 * the dashboard client (over `socket.io-client`) and the contract's types.
 *
 * @example
 * ```ts
 * import { AgentClient } from 'pulsegate/client';
 * await using agent = new AgentClient({ url: 'ws://127.0.0.1:7070', token });
 * await agent.connect();
 * ```
 */
export { AgentClient, type NodeAgentClientOptions as AgentClientOptions } from './agent/node.js';
export type { NodeWebSocketConstructor } from './agent/node-transport.js';
export * from './common.js';
/** The seed's in-process heartbeat client, for agents in the gateway's own process. */
export {
  HeartbeatClient,
  type HeartbeatClientOptions,
} from '../server/monitor/heartbeat-client.js';
