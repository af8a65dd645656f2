/**
 * A minimal Socket.IO v4 dashboard client over a raw `ws` socket: the Engine.IO open
 * packet, the namespace connect with `auth`, pong on ping, and event packets handed over
 * as text. At 100,000 events per second `socket.io-client` (decoder, emitter, acks)
 * saturates the load generator's core before the server under test is loaded; this
 * client costs a fraction of it, and the server does exactly the same work for both.
 */
import WebSocket from 'ws';
import { sourceAddress } from '../lib/addresses.js';

const NAMESPACE = '/dashboard';
const CONNECT_OK = `40${NAMESPACE},`;
const CONNECT_ERROR = `44${NAMESPACE},`;
/** An event packet of the namespace: `42/dashboard,["name",payload]`. */
export const EVENT_PREFIX = `42${NAMESPACE},[`;

export interface LightDashboard {
  close(): void;
}

/**
 * Connects one dashboard; `onEvent` gets the text of each event packet. Resolves with
 * `undefined` on a refused handshake or after `timeoutMs`.
 */
export function openLight(
  httpUrl: string,
  token: string,
  index: number,
  onEvent: (text: string) => void,
  timeoutMs: number,
): Promise<LightDashboard | undefined> {
  const url = `${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: sourceAddress(index) });
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!ok) ws.terminate();
      resolve(ok ? { close: () => ws.close() } : undefined);
    };
    const timer = setTimeout(() => settle(false), timeoutMs);
    ws.on('message', (data) => {
      const text = String(data);
      if (text === '2') ws.send('3');
      else if (text.startsWith(EVENT_PREFIX)) onEvent(text);
      else if (text.startsWith('0')) ws.send(`40${NAMESPACE},${JSON.stringify({ token })}`);
      else if (text.startsWith(CONNECT_OK)) settle(true);
      else if (text.startsWith(CONNECT_ERROR)) settle(false);
    });
    ws.on('error', () => settle(false));
    ws.on('close', () => settle(false));
  });
}
