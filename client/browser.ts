/**
 * `pulsegate/client` for browsers: the agent client over the native `WebSocket`
 * (token in `?token=`, beats as messages), the dashboard client and the contract's types.
 *
 * @example
 * ```ts
 * import { AgentClient } from 'pulsegate/client';
 * const agent = new AgentClient({ url: 'ws://127.0.0.1:7070', token });
 * await agent.connect();
 * ```
 */
export {
  AgentClient,
  type BrowserAgentClientOptions as AgentClientOptions,
} from './agent/browser.js';
export type {
  BrowserWebSocketConstructor,
  BrowserWebSocketLike,
} from './agent/browser-transport.js';
export * from './common.js';
