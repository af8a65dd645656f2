import { readSessionStatus } from '../../client/dashboard/decode.js';
import type { SessionStatus } from '../../shared/session.js';
import { describeError } from './actions.js';
import { DashboardApp } from './app.js';
import type { AppElements } from './app.js';
import { canControl, readClaims } from './jwt-claims.js';
import { forgetToken, storeToken, takeToken } from './token-source.js';
import type { TokenSurfaces } from './token-source.js';
import type { ConnectionSource } from './source.js';
import { WorkerSource } from './worker-source.js';
import type { WorkerLike, WorkerSourceOptions } from './worker-source.js';

/** The page's entry: find the token, connect, hand the client to the app. */

function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id}`);
  return el;
}

const surfaces: TokenSurfaces = {
  location: window.location,
  history: window.history,
  storage: sessionStorageOrMemory(),
};

const elements: AppElements = {
  scroll: byId('table-scroll', HTMLDivElement),
  table: byId('sessions', HTMLTableElement),
  columns: byId('columns', HTMLTableColElement),
  headerRow: byId('header-row', HTMLTableRowElement),
  body: byId('rows', HTMLTableSectionElement),
  empty: byId('empty', HTMLParagraphElement),
  connection: byId('connection', HTMLParagraphElement),
  connectionText: byId('connection-text', HTMLSpanElement),
  counts: byId('counts', HTMLUListElement),
  filterAgentType: byId('filter-agent-type', HTMLSelectElement),
  filterState: byId('filter-state', HTMLSelectElement),
  filterText: byId('filter-text', HTMLInputElement),
  pauseReason: byId('pause-reason', HTMLInputElement),
  pauseReasonLabel: byId('pause-reason-label', HTMLLabelElement),
  actionError: byId('action-error', HTMLParagraphElement),
  feed: byId('feed', HTMLOListElement),
};

const form = byId('token-form', HTMLFormElement);
const tokenInput = byId('token-input', HTMLInputElement);
const tokenError = byId('token-error', HTMLParagraphElement);
const appRoot = byId('app', HTMLDivElement);
const identity = byId('identity', HTMLParagraphElement);
const signOut = byId('sign-out', HTMLButtonElement);

/** Auth refusals send the user back to the token form; anything else is retried. */
const AUTH_CODES = new Set(['unauthorized', 'forbidden']);

function askForToken(message: string): void {
  appRoot.hidden = true;
  signOut.hidden = true;
  form.hidden = false;
  tokenError.textContent = message;
  tokenInput.focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (token === '') return;
  tokenInput.value = '';
  storeToken(surfaces, token);
  start(token);
});

signOut.addEventListener('click', () => {
  forgetToken(surfaces);
  window.location.reload();
});

let started = false;

function start(token: string): void {
  if (started) return;
  started = true;
  const claims = readClaims(token);
  const control = canControl(claims);
  form.hidden = true;
  appRoot.hidden = false;
  signOut.hidden = false;
  identity.textContent = `${claims.subject ?? 'unknown user'} · tenant ${claims.tenant} · ${control ? 'can control' : 'read only'}`;
  // One page per operator: retrying every few seconds at most is cheap, and a restarted
  // gateway shows up again quickly.
  const client = connectionSource({
    url: window.location.origin,
    token,
    reconnect: { minMs: 250, maxMs: 4_000 },
  });
  const app = new DashboardApp(elements, client, {
    control,
    fetchStatus: (session) => fetchStatus(token, session),
  });
  app.start();
  app.setConnection('connecting');
  const refused = (error: unknown): boolean => {
    const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
    if (typeof code !== 'string' || !AUTH_CODES.has(code)) return false;
    app.stop();
    client.close();
    forgetToken(surfaces);
    app.setConnection('unauthorized');
    // A fresh page for the next token (the table is built once per page); the notice
    // survives the reload in sessionStorage.
    leaveNotice(`The gateway refused this token (${describeError(error)}).`);
    window.location.reload();
    return true;
  };
  // On a reconnect, a token the gateway no longer accepts (a dev-mode gateway restarted
  // with a new secret, an expired token) stops the client: ask for a new one.
  client.on('error', (error) => void refused(error));
  client.connect().catch((error: unknown) => {
    // Other failures: socket.io keeps retrying, and the indicator says so.
    if (!refused(error)) app.setConnection('disconnected', describeError(error));
  });
}

/**
 * The connection (the dashboard client and Socket.IO) runs in a worker,
 * `dashboard-worker.js`, built beside this file: receiving and decoding a snapshot of
 * 10,000 sessions, one 2.5 MB frame, then never blocks the page (docs/dashboard.md).
 */
function connectionSource(options: WorkerSourceOptions): ConnectionSource {
  const worker = new Worker(new URL('./dashboard-worker.js', import.meta.url), {
    name: 'pulsegate-connection',
  });
  // `Worker`'s message events are untyped; the messages are those of worker-messages.ts.
  return new WorkerSource(worker as unknown as WorkerLike, options);
}

/** `GET /v1/sessions/:id`, decoded; `undefined` for any failure (the next round retries). */
async function fetchStatus(token: string, session: string): Promise<SessionStatus | undefined> {
  try {
    const res = await fetch(`/v1/sessions/${encodeURIComponent(session)}`, {
      headers: { authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
    if (!res.ok) return undefined;
    return readSessionStatus(await res.json());
  } catch {
    return undefined;
  }
}

function sessionStorageOrMemory(): TokenSurfaces['storage'] {
  try {
    return window.sessionStorage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
}

const NOTICE_KEY = 'pulsegate.dashboard.notice';

function leaveNotice(text: string): void {
  try {
    surfaces.storage.setItem(NOTICE_KEY, text);
  } catch {
    // Without storage the form simply shows no reason.
  }
}

function takeNotice(): string {
  try {
    const text = surfaces.storage.getItem(NOTICE_KEY) ?? '';
    surfaces.storage.removeItem(NOTICE_KEY);
    return text;
  } catch {
    return '';
  }
}

const notice = takeNotice();
const token = takeToken(surfaces);
if (token === undefined) askForToken(notice);
else start(token);
