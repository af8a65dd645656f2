import { WebSocket } from 'ws';
import type { AgentConnection } from './connection.js';

/**
 * The `ws` socket class of the agent endpoint: it carries a pointer to its connection
 * state, so that one set of module-level listeners serves every socket (`this` is the
 * socket) instead of a closure set per connection.
 */
export class AgentSocket extends WebSocket {
  connection: AgentConnection | undefined;
}

/** The connection behind a socket a listener was called on. */
export function connectionOf(socket: WebSocket): AgentConnection | undefined {
  return socket instanceof AgentSocket ? socket.connection : undefined;
}
