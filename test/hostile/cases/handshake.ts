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

/** An agent upgrade with a good token plus `headers`. */
async function agentUpgrade(port: number, headers: Record<string, string>, path = AGENT_PATH) {
  return upgradeWith(port, { ...(await bearer()), ...headers }, path);
}

function manyHeaders(count: number, size = 8): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`X-Filler-${i}`] = 'v'.repeat(size);
  return out;
}

/** Upgrades from one source address as fast as they go; counts the answers by status. */
async function flood(port: number, count: number, localAddress: string) {
  const token = await agentToken(freshSession('flood'));
  const statuses: Record<string, number> = {};
  let retryAfter: string | undefined;
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () =>
        exchange(port, upgradeRequest(AGENT_PATH, { Authorization: `Bearer ${token}` }), {
          localAddress,
          timeoutMs: 5_000,
        }),
      ),
    );
    for (const a of answers) {
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (a.status === 429) retryAfter ??= a.headers['retry-after'];
    }
  }
  return { statuses, retryAfter };
}

export const handshakeCases: HostileCase[] = [
  {
    group: 'handshake',
    name: 'no Authorization header and no ?token',
    act: ({ port }) => upgradeWith(port, {}),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'Authorization: Basic instead of Bearer',
    act: ({ port }) => upgradeWith(port, { Authorization: 'Basic dXNlcjpwYXNz' }),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'Authorization: Bearer with no token',
    act: ({ port }) => upgradeWith(port, { Authorization: 'Bearer ' }),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'Authorization: Bearer with spaces inside the token',
    act: ({ port }) => upgradeWith(port, { Authorization: 'Bearer a b c' }),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'empty ?token=',
    act: ({ port }) => upgradeWith(port, {}, `${AGENT_PATH}?token=`),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'percent-garbage ?token=%ZZ%',
    act: ({ port }) => upgradeWith(port, {}, `${AGENT_PATH}?token=%ZZ%&token=`),
    expected: { http: 401 },
  },
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
  {
    group: 'handshake',
    name: 'a 9 KB token',
    act: ({ port }) => upgradeWith(port, { Authorization: `Bearer ${'a'.repeat(9_000)}` }),
    expected: { http: 401 },
  },
  {
    group: 'handshake',
    name: 'good token, no Sec-WebSocket-Key',
    act: async ({ port }) => agentUpgrade(port, { 'Sec-WebSocket-Key': '' }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'good token, Sec-WebSocket-Key that is not 16 bytes of base64',
    act: async ({ port }) => agentUpgrade(port, { 'Sec-WebSocket-Key': 'not-a-key!' }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'good token, Sec-WebSocket-Version 12',
    act: async ({ port }) => agentUpgrade(port, { 'Sec-WebSocket-Version': '12' }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'good token, malformed Sec-WebSocket-Protocol',
    act: async ({ port }) => agentUpgrade(port, { 'Sec-WebSocket-Protocol': 'a,,b' }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'good token, POST instead of GET',
    act: async ({ port }) => {
      const req = upgradeRequest(AGENT_PATH, await bearer(), { method: 'POST' });
      return { http: (await exchange(port, req)).status };
    },
    expected: { http: 405 },
  },
  {
    group: 'handshake',
    name: 'good token, Upgrade: h2c instead of websocket',
    act: async ({ port }) => agentUpgrade(port, { Upgrade: 'h2c' }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'upgrade to an unknown path',
    act: async ({ port }) => agentUpgrade(port, {}, '/v1/agents'),
    expected: { http: 404 },
  },
  {
    group: 'handshake',
    name: 'upgrade to the agent path with a trailing slash',
    act: async ({ port }) => agentUpgrade(port, {}, '/v1/agent/'),
    expected: { http: 404 },
  },
  {
    group: 'handshake',
    name: 'plain GET of the agent path (no upgrade)',
    act: async ({ port }) => ({
      http: (await exchange(port, `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`)).status,
    }),
    expected: { http: 404 },
  },
  {
    group: 'handshake',
    name: 'a request line that is not HTTP',
    act: async ({ port }) => ({ http: (await exchange(port, 'GARBAGE\r\n\r\n')).status }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'a NUL byte inside a header value',
    act: async ({ port }) => ({
      http: (await exchange(port, `GET ${AGENT_PATH} HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n`))
        .status,
    }),
    expected: { http: 400 },
  },
  {
    group: 'handshake',
    name: 'a header block over 16 KiB',
    act: async ({ port }) => agentUpgrade(port, { 'X-Big': 'x'.repeat(17 * 1024) }),
    expected: { http: 431 },
  },
  {
    group: 'handshake',
    name: 'five thousand headers',
    act: async ({ port }) => agentUpgrade(port, manyHeaders(5_000)),
    expected: { http: 431 },
  },
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
  {
    group: 'handshake',
    name: 'Origin outside the allowed list',
    act: ({ port }) => agentUpgrade(port, { Origin: 'https://evil.example' }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'Origin: null (sandboxed frame, file://)',
    act: ({ port }) => agentUpgrade(port, { Origin: 'null' }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'Origin with the allowed one as a prefix',
    act: ({ port }) => agentUpgrade(port, { Origin: `${ALLOWED_ORIGIN}.evil.example` }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'Origin with the allowed host on another port',
    act: ({ port }) => agentUpgrade(port, { Origin: `${ALLOWED_ORIGIN}:8443` }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'Origin with the allowed host over http',
    act: ({ port }) => agentUpgrade(port, { Origin: ALLOWED_ORIGIN.replace('https', 'http') }),
    expected: { http: 403 },
  },
  {
    group: 'handshake',
    name: 'Origin with userinfo before the allowed host',
    act: ({ port }) => agentUpgrade(port, { Origin: 'https://ops.example.com@evil.example' }),
    expected: { http: 403 },
  },
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
  {
    group: 'handshake',
    name: 'the allowed Origin in upper case is the same origin',
    act: ({ port }) => agentUpgrade(port, { Origin: ALLOWED_ORIGIN.toUpperCase() }),
    expected: { http: 101 },
  },
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
      const { statuses, retryAfter } = await flood(port, 400, '127.0.0.77');
      return {
        refused429: (statuses['429'] ?? 0) > 0,
        onlyAcceptedOrLimited: Object.keys(statuses).every((s) => s === '101' || s === '429'),
        retryAfter: retryAfter !== undefined && /^[1-9]\d*$/.test(retryAfter),
      };
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
      const statuses: Record<string, number> = {};
      let retryAfter: string | undefined;
      for (let i = 0; i < 300; i += 50) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () =>
            exchange(
              port,
              'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
              { localAddress: '127.0.0.78' },
            ),
          ),
        );
        for (const a of answers) {
          statuses[a.status] = (statuses[a.status] ?? 0) + 1;
          if (a.status === 429) retryAfter ??= a.headers['retry-after'];
        }
      }
      return {
        refused429: (statuses['429'] ?? 0) > 0,
        onlyOkOrLimited: Object.keys(statuses).every((s) => s === '200' || s === '429'),
        retryAfter: retryAfter !== undefined && /^[1-9]\d*$/.test(retryAfter),
      };
    },
    expected: { refused429: true, onlyOkOrLimited: true, retryAfter: true },
    inProcessOnly: true,
    timeoutMs: 30_000,
  },
];
