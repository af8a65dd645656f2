import type { Transport } from './transport.js';

/** The part of the browser `WebSocket` the agent client uses. */
export interface BrowserWebSocketLike {
  readonly readyState: number;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { readonly code: number; readonly reason: string }) => void,
  ): void;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor with the browser's shape (`globalThis.WebSocket` by default). */
export type BrowserWebSocketConstructor = new (url: string) => BrowserWebSocketLike;

const OPEN = 1;

/**
 * The browser adapter over the native `WebSocket`: browsers can set no header, so the
 * token goes in `?token=`; they cannot send ping frames, so beats are messages; and a
 * refused upgrade looks like any failed connection (close 1006, status hidden).
 */
export function browserTransport(WebSocketClass: BrowserWebSocketConstructor): Transport {
  return {
    canPing: false,
    revealsStatus: false,
    open(url, token, events) {
      const target = new URL(url);
      target.searchParams.set('token', token);
      const ws = new WebSocketClass(target.toString());
      ws.addEventListener('open', () => events.open());
      ws.addEventListener('message', (event) => {
        if (typeof event.data === 'string') events.message(event.data);
      });
      ws.addEventListener('close', (event) => events.close(event.code, event.reason));
      ws.addEventListener('error', () => undefined);
      return {
        send: (text) => {
          if (ws.readyState === OPEN) ws.send(text);
        },
        ping: () => undefined,
        close: (code, reason) => ws.close(code, reason),
        // A browser cannot drop a socket without the closing handshake; closing is the
        // nearest thing, and the client stops listening to it at once.
        terminate: () => ws.close(),
      };
    },
  };
}
