/**
 * Handshake: missing and malformed headers, header floods, slowloris, bad `Origin` forms,
 * upgrade floods. Contract: 401 without a good token, 403 for a refused origin, 429 with
 * `Retry-After` past the per-IP upgrade rate; Node answers 400/408/431 for broken HTTP.
 */
import type { HostileCase } from '../case.js';
import { exchange, upgradeRequest } from '../support/raw-socket.js';
import { ALLOWED_ORIGIN } from '../support/target.js';
import { agentToken } from '../support/tokens.js';
import { AGENT_PATH, dashboardWith, freshSession, upgradeWith } from './observe.js';

async function bearer(): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await agentToken(freshSession())}` };
}

function manyHeaders(count: number, size = 8): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`X-Filler-${i}`] = 'v'.repeat(size);
  return out;
}

/**
 * Sends `request` `count` times from one source address, 50 at once, and sums up the
 * answers: whether some were 429, with a good `Retry-After`, and what the others were.
 */
async function flood(port: number, count: number, localAddress: string, request: string) {
  const statuses = new Set<number>();
  let retryAfter: string | undefined;
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () =>
        exchange(port, request, { localAddress, timeoutMs: 5_000 }),
      ),
    );
    for (const a of answers) {
      statuses.add(a.status);
      if (a.status === 429) retryAfter ??= a.headers['retry-after'];
    }
  }
  return {
    refused429: statuses.has(429),
    /** True if every answer was `ok` or 429. */
    onlyOr429: (ok: number) => [...statuses].every((s) => s === ok || s === 429),
    retryAfter: retryAfter !== undefined && /^[1-9]\d*$/.test(retryAfter),
  };
}

/** An agent upgrade of `path` with `headers` (made when the case runs, if a function). */
function upgradeCase(
  name: string,
  headers: Record<string, string> | (() => Promise<Record<string, string>>),
  http: number,
  path = AGENT_PATH,
): HostileCase {
  return {
    group: 'handshake',
    name,
    act: async ({ port }) =>
      upgradeWith(port, typeof headers === 'function' ? await headers() : headers, path),
    expected: { http },
  };
}

/** The same with a good token among the headers. */
function tokenCase(name: string, headers: Record<string, string>, http: number, path?: string) {
  return upgradeCase(name, async () => ({ ...(await bearer()), ...headers }), http, path);
}

/** `request` sent as it is, byte for byte. */
function rawCase(name: string, request: string, http: number): HostileCase {
  return {
    group: 'handshake',
    name,
    act: async ({ port }) => ({ http: (await exchange(port, request)).status }),
    expected: { http },
  };
}

export const handshakeCases: HostileCase[] = [
  upgradeCase('no Authorization header and no ?token', {}, 401),
  upgradeCase(
    'Authorization: Basic instead of Bearer',
    { Authorization: 'Basic dXNlcjpwYXNz' },
    401,
  ),
  upgradeCase('Authorization: Bearer with no token', { Authorization: 'Bearer ' }, 401),
  upgradeCase(
    'Authorization: Bearer with spaces inside the token',
    { Authorization: 'Bearer a b c' },
    401,
  ),
  upgradeCase('empty ?token=', {}, 401, `${AGENT_PATH}?token=`),
  upgradeCase('percent-garbage ?token=%ZZ%', {}, 401, `${AGENT_PATH}?token=%ZZ%&token=`),
  {
    group: 'handshake',
    name: 'a bad header token wins over a good query token',
    act: async ({ port }) =>
      upgradeWith(
        port,
        { Authorization: 'Bearer nope' },
        `${AGENT_PATH}?token=${await agentToken(freshSession())}`,
      ),
    expected: { http: 401 },
  },
  upgradeCase('a 9 KB token', { Authorization: `Bearer ${'a'.repeat(9_000)}` }, 401),
  tokenCase('good token, no Sec-WebSocket-Key', { 'Sec-WebSocket-Key': '' }, 400),
  tokenCase(
    'good token, Sec-WebSocket-Key that is not 16 bytes of base64',
    { 'Sec-WebSocket-Key': 'not-a-key!' },
    400,
  ),
  tokenCase('good token, Sec-WebSocket-Version 12', { 'Sec-WebSocket-Version': '12' }, 400),
  tokenCase(
    'good token, malformed Sec-WebSocket-Protocol',
    { 'Sec-WebSocket-Protocol': 'a,,b' },
    400,
  ),
  {
    group: 'handshake',
    name: 'good token, POST instead of GET',
    act: async ({ port }) => {
      const req = upgradeRequest(AGENT_PATH, await bearer(), { method: 'POST' });
      return { http: (await exchange(port, req)).status };
    },
    expected: { http: 405 },
  },
  tokenCase('good token, Upgrade: h2c instead of websocket', { Upgrade: 'h2c' }, 400),
  tokenCase('upgrade to an unknown path', {}, 404, '/v1/agents'),
  tokenCase('upgrade to the agent path with a trailing slash', {}, 404, '/v1/agent/'),
  rawCase(
    'plain GET of the agent path (no upgrade)',
    `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`,
    404,
  ),
  rawCase('a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400),
  rawCase(
    'a NUL byte inside a header value',
    `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n`,
    400,
  ),
  tokenCase('a header block over 16 KiB', { 'X-Big': 'x'.repeat(17 * 1024) }, 431),
  tokenCase('five thousand headers', manyHeaders(5_000), 431),
  {
    group: 'handshake',
    name: 'a thousand tiny headers before Authorization (only the first 100 are kept)',
    act: async ({ port }) => {
      const auth = await bearer();
      return upgradeWith(port, { ...manyHeaders(1_000, 1), ...auth });
    },
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'slowloris: one header byte every 100 ms, never finished',
    act: async ({ port }) => {
      const started = Date.now();
      const head = `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\n`;
      const drip = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 'X' : 'y'));
      const answer = await exchange(port, [head, ...drip], { pauseMs: 100, timeoutMs: 8_000 });
      return { http: answer.status, cut: Date.now() - started < 6_000 };
    },
    expected: { http: 408, cut: true },
    inProcessOnly: true,
    timeoutMs: 15_000,
  },
  {
    group: 'handshake',
    name: 'an upgrade request that stops half way and idles',
    act: async ({ port }) => {
      const started = Date.now();
      const answer = await exchange(port, `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\nX-`, {
        timeoutMs: 8_000,
      });
      return { http: answer.status, cut: Date.now() - started < 6_000 };
    },
    expected: { http: 408, cut: true },
    inProcessOnly: true,
    timeoutMs: 15_000,
  },
  tokenCase('Origin outside the allowed list', { Origin: 'https://evil.example' }, 403),
  tokenCase('Origin: null (sandboxed frame, file://)', { Origin: 'null' }, 403),
  tokenCase(
    'Origin with the allowed one as a prefix',
    { Origin: `${ALLOWED_ORIGIN}.evil.example` },
    403,
  ),
  tokenCase(
    'Origin with the allowed host on another port',
    { Origin: `${ALLOWED_ORIGIN}:8443` },
    403,
  ),
  tokenCase(
    'Origin with the allowed host over http',
    { Origin: ALLOWED_ORIGIN.replace('https', 'http') },
    403,
  ),
  tokenCase(
    'Origin with userinfo before the allowed host',
    { Origin: 'https://ops.example.com@evil.example' },
    403,
  ),
  {
    group: 'handshake',
    name: 'two Origin headers, the allowed one first',
    act: async ({ port }) => {
      const base = upgradeRequest(AGENT_PATH, await bearer()).replace(/\r\n\r\n$/, '');
      const req = `${base}\r\nOrigin: ${ALLOWED_ORIGIN}\r\nOrigin: https://evil.example\r\n\r\n`;
      return { http: (await exchange(port, req)).status };
    },
    expected: { http: 403 },
  },
  tokenCase(
    'the allowed Origin in upper case is the same origin',
    { Origin: ALLOWED_ORIGIN.toUpperCase() },
    101,
  ),
  {
    group: 'handshake',
    name: 'dashboard polling handshake from a refused Origin',
    act: async ({ port }) => ({
      http: (
        await exchange(
          port,
          `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n`,
        )
      ).status,
    }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'dashboard WebSocket from a refused Origin',
    act: async ({ port }) => {
      const { dashboardToken } = await import('../support/tokens.js');
      const outcome = await dashboardWith(
        port,
        { token: await dashboardToken() },
        { Origin: 'https://evil.example' },
      );
      return { connected: outcome['connected'] === true };
    },
    expected: { connected: false },
  },
  {
    group: 'handshake',
    name: 'upgrade flood: 400 upgrades at once from one IP',
    target: 'tight',
    act: async ({ port }) => {
      const token = await agentToken(freshSession('flood'));
      const request = upgradeRequest(AGENT_PATH, { Authorization: `Bearer ${token}` });
      const { refused429, onlyOr429, retryAfter } = await flood(port, 400, '127.0.0.77', request);
      return { refused429, onlyAcceptedOrLimited: onlyOr429(101), retryAfter };
    },
    expected: { refused429: true, onlyAcceptedOrLimited: true, retryAfter: true },
    inProcessOnly: true,
    timeoutMs: 30_000,
  },
  {
    group: 'handshake',
    name: 'dashboard handshake flood: 300 Socket.IO handshakes at once from one IP',
    target: 'tight',
    act: async ({ port }) => {
      const request =
        'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
      const { refused429, onlyOr429, retryAfter } = await flood(port, 300, '127.0.0.78', request);
      return { refused429, onlyOkOrLimited: onlyOr429(200), retryAfter };
    },
    expected: { refused429: true, onlyOkOrLimited: true, retryAfter: true },
    inProcessOnly: true,
    timeoutMs: 30_000,
  },
];
