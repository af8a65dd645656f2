import { WebSocket } from 'ws';
import type { NodeWebSocketConstructor } from '../../client/index.js';

/**
 * How the demo misbehaves on one agent connection: `muted` drops every frame the agent
 * would send (a hung process or a black-holed network: the gateway hears nothing while
 * the agent still hears the gateway), and `crash()` drops the TCP connection with no
 * close frame and no `bye`.
 */
export interface SocketControl {
  muted: boolean;
  crash(): void;
}

/**
 * A `ws` WebSocket class for the AgentClient's `WebSocket` option that hands the control
 * of each socket it creates to `created`, so a simulated agent always holds its client's
 * current connection. The class declares no constructor: it keeps `ws`'s overloads.
 */
export function controlledSocketClass(
  created: (control: SocketControl) => void,
): NodeWebSocketConstructor {
  return class ControlledWebSocket extends WebSocket {
    readonly control: SocketControl = attach(this, created);
  };
}

function attach(ws: WebSocket, created: (control: SocketControl) => void): SocketControl {
  const control: SocketControl = { muted: false, crash: () => ws.terminate() };
  const send = ws.send.bind(ws);
  const ping = ws.ping.bind(ws);
  // Instance-level wrappers: the transport calls send(text) and ping() only.
  Object.assign(ws, {
    send: (...args: Parameters<typeof send>) => {
      if (!control.muted) send(...args);
    },
    ping: (...args: Parameters<typeof ping>) => {
      if (!control.muted) ping(...args);
    },
  });
  created(control);
  return control;
}
