import { WebSocket } from 'ws';
import { AgentClientCore, type AgentClientOptions } from './agent-client.js';
import type { BeatMode } from './beater.js';
import { nodeTransport, type NodeWebSocketConstructor } from './node-transport.js';

export interface NodeAgentClientOptions extends AgentClientOptions {
  /** `ping` (default): WebSocket ping frames, with pongs watched; `message`: `beat` frames. */
  readonly beatWith?: BeatMode;
  /** The `ws` WebSocket class to use (default: `ws`'s own). */
  readonly WebSocket?: NodeWebSocketConstructor;
  /** Largest frame accepted from the gateway (default 64 KiB). */
  readonly maxPayloadBytes?: number;
}

/**
 * An agent's connection to a Pulsegate gateway, in Node: it beats at the advised period,
 * reconnects with backoff, keeps its token fresh and says `bye` on close.
 *
 * @example
 * ```ts
 * await using agent = new AgentClient({ url: 'ws://127.0.0.1:7070', token });
 * await agent.connect();
 * agent.status('planning step 3');
 * ```
 */
export class AgentClient extends AgentClientCore {
  constructor(options: NodeAgentClientOptions) {
    const transport = nodeTransport(options.WebSocket ?? WebSocket, {
      maxPayloadBytes: options.maxPayloadBytes ?? 64 * 1024,
      handshakeTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
    super(options, transport, options.beatWith ?? 'ping');
  }
}
