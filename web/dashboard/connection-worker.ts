import { DashboardClient } from '../../client/browser.js';
import type { SessionStatus } from '../../shared/session.js';
import type { Change, ErrorInfo, FromWorker, ToWorker } from './worker-messages.js';
import { SYNC_CHUNK } from './worker-messages.js';

/**
 * The page's connection worker: runs the `DashboardClient` off the page's main thread
 * and forwards what the page needs (see `worker-messages.ts`). Transitions are sent in
 * batches, one message per turn of the worker's event loop, so that a burst of 2,000
 * costs the page a few tasks rather than 2,000.
 */

/** The worker's global scope, as far as it is used here (the page's types are DOM ones). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
let client: DashboardClient | undefined;
let pending: Change[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function errorInfo(error: unknown): ErrorInfo {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  return {
    code: typeof code === 'string' ? code : 'internal',
    message: error instanceof Error ? error.message : String(error),
  };
}

function flush(): void {
  flushTimer = undefined;
  if (pending.length === 0) return;
  const changes = pending;
  pending = [];
  post({ type: 'changes', changes });
}

function connect(message: Extract<ToWorker, { type: 'connect' }>): void {
  if (client !== undefined) return;
  const dash = new DashboardClient({
    url: message.url,
    token: message.token,
    reconnect: message.reconnect,
  });
  client = dash;
  dash.on('connected', () => post({ type: 'connected' }));
  dash.on('disconnected', ({ reason }) => post({ type: 'disconnected', reason }));
  dash.on('error', (error) => post({ type: 'error', error: errorInfo(error) }));
  dash.on('change', (transition) => {
    pending.push({ transition, current: dash.sessions.get(transition.session) });
    flushTimer ??= setTimeout(flush, 0);
  });
  dash.on('sync', ({ sessions }) => {
    // Transitions before the snapshot are in it: send them first, then the new map.
    flush();
    let chunk: SessionStatus[] = [];
    let first = true;
    for (const status of sessions.values()) {
      chunk.push(status);
      if (chunk.length === SYNC_CHUNK) {
        post({ type: 'sync', first, last: false, sessions: chunk });
        first = false;
        chunk = [];
      }
    }
    post({ type: 'sync', first, last: true, sessions: chunk });
  });
  dash.connect().then(
    () => post({ type: 'ready' }),
    (error: unknown) => post({ type: 'ready', error: errorInfo(error) }),
  );
}

async function command(message: Extract<ToWorker, { type: 'command' }>): Promise<void> {
  const { id } = message;
  try {
    if (client === undefined)
      throw Object.assign(new Error('not connected'), { code: 'unavailable' });
    const session = message.session ?? '';
    switch (message.command) {
      case 'pause':
        await client.pause(session, message.reason);
        break;
      case 'resume':
        await client.resume(session);
        break;
      case 'unregister':
        await client.unregister(session);
        break;
      case 'list':
        post({ type: 'reply', id, sessions: await client.list() });
        return;
    }
    post({ type: 'reply', id });
  } catch (error) {
    post({ type: 'reply', id, error: errorInfo(error) });
  }
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'connect':
      connect(message);
      break;
    case 'command':
      void command(message);
      break;
    case 'close':
      client?.close();
      break;
  }
});
