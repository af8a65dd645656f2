import type { WebSocket } from 'ws';
import type { Transport } from './transport.js';

/** The `ws` WebSocket class, or a subclass of it (injectable, e.g. to add an agent). */
export type NodeWebSocketConstructor = typeof WebSocket;

export interface NodeTransportOptions {
  /** Largest frame accepted from the gateway, in bytes. */
  readonly maxPayloadBytes: number;
  /** Time allowed for the opening handshake, in ms. */
  readonly handshakeTimeoutMs: number;
}

/**
 * The Node adapter over `ws`: the token goes in the `Authorization` header, a refused
 * upgrade reports its HTTP status, and beats may be ping frames.
 */
export function nodeTransport(
  WebSocketClass: NodeWebSocketConstructor,
  options: NodeTransportOptions,
): Transport {
  return {
    canPing: true,
    revealsStatus: true,
    open(url, token, events) {
      const ws = new WebSocketClass(url, {
        headers: { authorization: `Bearer ${token}` },
        maxPayload: options.maxPayloadBytes,
        handshakeTimeout: options.handshakeTimeoutMs,
        perMessageDeflate: false,
      });
      ws.on('open', () => events.open());
      ws.on('message', (data, isBinary) => {
        if (!isBinary) events.message(data.toString());
      });
      ws.on('pong', () => events.pong());
      ws.on('unexpected-response', (_req, res) => {
        events.refused(res.statusCode ?? 0);
        res.resume();
        // Aborts the handshake: ws then emits `error` and `close` (1006).
        ws.terminate();
      });
      // Every error is followed by `close`, where the client decides what to do.
      ws.on('error', () => undefined);
      ws.on('close', (code, reason) => events.close(code, reason.toString()));
      return {
        send: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        ping: () => {
          if (ws.readyState === ws.OPEN) ws.ping();
        },
        close: (code, reason) => ws.close(code, reason),
        terminate: () => ws.terminate(),
      };
    },
  };
}
