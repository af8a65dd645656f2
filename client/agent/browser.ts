import { AgentClientCore, type AgentClientOptions } from './agent-client.js';
import { browserTransport, type BrowserWebSocketConstructor } from './browser-transport.js';

export interface BrowserAgentClientOptions extends AgentClientOptions {
  /** Browsers beat with messages only; `ping` is accepted and ignored. */
  readonly beatWith?: 'ping' | 'message';
  /** The WebSocket constructor (default: the global `WebSocket`). */
  readonly WebSocket?: BrowserWebSocketConstructor;
}

/**
 * An agent's connection to a Pulsegate gateway, in the browser: the token travels in
 * `?token=` and beats are `beat` messages.
 *
 * @example
 * ```ts
 * const agent = new AgentClient({ url: 'ws://127.0.0.1:7070', token });
 * await agent.connect();
 * agent.pause('awaiting user input');
 * ```
 */
export class AgentClient extends AgentClientCore {
  constructor(options: BrowserAgentClientOptions) {
    const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
    super(options, browserTransport(WebSocketClass), 'message');
  }
}
