/**
 * Dashboard events over raw Socket.IO packets: malformed packets, events before connect,
 * another tenant's session, bad arguments, floods of pause and resume. Contract section 5:
 * commands ack `{ok:false, error:{code}}` with `invalid`, `forbidden`, `not_found`;
 * another tenant's session is `not_found`. A packet Socket.IO cannot parse, or one out of
 * protocol order, ends that transport (Socket.IO's own rule); the gateway stays up.
 */
import type { HostileCase } from '../case.js';
import { RawDashboard } from '../support/raw-sio.js';
import { dashboardToken } from '../support/tokens.js';
import { freshSession, wsAgent } from './observe.js';

async function connected(port: number, extra: Record<string, unknown> = {}) {
  return RawDashboard.connected(port, { token: await dashboardToken(extra) });
}

/**
 * Sends `packet` on a connected dashboard (or on one `open` gives); `{closed}` says whether
 * the transport ended.
 */
function packetCase(
  name: string,
  packet: string | ((s: string) => string),
  closed: boolean,
  open: (port: number) => Promise<RawDashboard> = connected,
) {
  return {
    group: 'dashboard',
    name,
    act: async ({ port }) => {
      const dash = await open(port);
      dash.send(typeof packet === 'string' ? packet : packet(''));
      const ended = await dash.closesWithin(1_500);
      dash.close();
      return { closed: ended };
    },
    expected: { closed },
  } satisfies HostileCase;
}

/** Calls `event` with `args` and returns the ack's error code (or `ok`). */
function ackCase(
  name: string,
  event: string,
  args: (session: string) => unknown[],
  code: string,
  options: { tenant?: string; readOnly?: boolean } = {},
): HostileCase {
  return {
    group: 'dashboard',
    name,
    act: async ({ port }) => {
      const agent = await wsAgent(port, freshSession('dash'));
      const extra: Record<string, unknown> = {};
      if (options.tenant !== undefined) extra['tenant'] = options.tenant;
      if (options.readOnly === true) extra['scope'] = 'sessions:read';
      const dash = await connected(port, extra);
      const reply = await dash.call(1, event, ...args(agent.session));
      dash.close();
      agent.end();
      return { ack: codeOf(reply) };
    },
    expected: { ack: code },
  };
}

function codeOf(reply: unknown): string {
  if (typeof reply !== 'object' || reply === null) return `not an object: ${String(reply)}`;
  if ('ok' in reply && reply.ok === true) return 'ok';
  if ('error' in reply && typeof reply.error === 'object' && reply.error !== null) {
    return 'code' in reply.error ? String(reply.error.code) : 'no code';
  }
  return 'malformed';
}

export const dashboardCases: HostileCase[] = [
  packetCase('a packet of unknown type 9', '9/dashboard,', true),
  packetCase('an event whose payload is not JSON', '42/dashboard,["list",', true),
  packetCase('an event whose payload is not a list', '42/dashboard,{"a":1}', true),
  // Socket.IO accepts numeric event names; the gateway ignores what is not a command.
  packetCase('an event name that is a number', '42/dashboard,[7,{}]', false),
  packetCase('an event name that is an object', '42/dashboard,[{"a":1},{}]', true),
  packetCase('an ack id that is not a number', '42/dashboard,abc["list",{}]', true),
  packetCase(
    'a binary event announcing a million attachments',
    '451000000-/dashboard,["list",{"_placeholder":true,"num":0}]',
    true,
  ),
  packetCase('a second CONNECT to the same namespace', '40/dashboard,{}', true),
  packetCase('an event before CONNECT', '42/dashboard,1["list",{}]', true, (port) =>
    RawDashboard.open(port),
  ),
  {
    group: 'dashboard',
    name: 'CONNECT to an unknown namespace',
    act: async ({ port }) => {
      const dash = await RawDashboard.open(port);
      dash.send('40/admin,');
      const packet = await dash.waitFor((p) => p.startsWith('44/admin,'));
      dash.close();
      return {
        connectError: (JSON.parse(packet.slice('44/admin,'.length)) as { message: string }).message,
      };
    },
    expected: { connectError: 'Invalid namespace' },
  },
  {
    group: 'dashboard',
    name: 'CONNECT with auth that is a string',
    act: async ({ port }) => {
      const dash = await RawDashboard.open(port);
      dash.send('40/dashboard,"token"');
      const ended = await dash.closesWithin(1_500);
      const refused = dash.packets.find((p) => p.startsWith('44/dashboard,'));
      dash.close();
      return { refused: refused !== undefined || ended };
    },
    expected: { refused: true },
  },
  packetCase(
    'an event over 16 KiB',
    `42/dashboard,1["list",{"pad":"${'x'.repeat(17 * 1024)}"}]`,
    true,
  ),
  {
    group: 'dashboard',
    name: 'an event that is not a command gets no ack and changes nothing',
    act: async ({ port }) => {
      const dash = await connected(port);
      const answer = dash.answered(5, 500);
      dash.send('42/dashboard,5["shutdown",{}]');
      const answered = await answer;
      const reply = await dash.call(6, 'list', {});
      dash.close();
      return { answered, stillServed: codeOf(reply) };
    },
    expected: { answered: false, stillServed: 'ok' },
  },
  ackCase('pause with null argument', 'pause', () => [null], 'invalid'),
  ackCase(
    'pause with a session id of 129 chars',
    'pause',
    () => [{ session: 's'.repeat(129) }],
    'invalid',
  ),
  ackCase(
    'pause with a reason of 257 chars',
    'pause',
    (s) => [{ session: s, reason: 'r'.repeat(257) }],
    'invalid',
  ),
  ackCase('pause with an unknown field', 'pause', (s) => [{ session: s, force: true }], 'invalid'),
  ackCase(
    'pause with a __proto__ key',
    'pause',
    (s) => [JSON.parse(`{"session":"${s}","__proto__":{}}`)],
    'invalid',
  ),
  ackCase('resume with the session as a number', 'resume', () => [{ session: 42 }], 'invalid'),
  ackCase(
    'subscribe with 1,001 sessions',
    'subscribe',
    () => [{ sessions: Array.from({ length: 1001 }, (_, i) => `s${i}`) }],
    'invalid',
  ),
  ackCase(
    'subscribe with agentTypes as a string',
    'subscribe',
    () => [{ agentTypes: 'worker' }],
    'invalid',
  ),
  ackCase('list with an argument', 'list', () => [{ all: true }], 'invalid'),
  ackCase(
    'pause of a session that does not exist',
    'pause',
    () => [{ session: 'nobody-here' }],
    'not_found',
  ),
  ackCase("pause of another tenant's session", 'pause', (s) => [{ session: s }], 'not_found', {
    tenant: 'mallory',
  }),
  ackCase(
    "unregister of another tenant's session",
    'unregister',
    (s) => [{ session: s }],
    'not_found',
    { tenant: 'mallory' },
  ),
  ackCase('pause with a read-only token', 'pause', (s) => [{ session: s }], 'forbidden', {
    readOnly: true,
  }),
  {
    group: 'dashboard',
    name: "another tenant's dashboard sees none of our sessions",
    act: async ({ port }) => {
      const agent = await wsAgent(port, freshSession('hidden'));
      const dash = await connected(port, { tenant: 'mallory' });
      const reply = await dash.call(1, 'list', {});
      const leaked =
        JSON.stringify(reply).includes(agent.session) ||
        dash.packets.some((p) => p.includes(agent.session));
      dash.close();
      agent.end();
      return { leaked };
    },
    expected: { leaked: false },
  },
  {
    group: 'dashboard',
    name: 'a flood of 2,000 pause/resume commands',
    act: async ({ port }) => {
      const agent = await wsAgent(port, freshSession('flood'));
      const dash = await connected(port);
      const codes: Record<string, number> = {};
      const replies = [];
      for (let i = 0; i < 2_000; i++) {
        replies.push(
          dash.call(100 + i, i % 2 === 0 ? 'pause' : 'resume', { session: agent.session }),
        );
      }
      for (const r of await Promise.all(replies)) {
        const c = codeOf(r);
        codes[c] = (codes[c] ?? 0) + 1;
      }
      const open = await agent.isOpen();
      dash.close();
      agent.end();
      return {
        everyOneAnswered: (codes['ok'] ?? 0) + (codes['rate_limited'] ?? 0) === 2_000,
        limited: (codes['rate_limited'] ?? 0) > 0,
        agentOpen: open,
      };
    },
    expected: { everyOneAnswered: true, limited: true, agentOpen: true },
    timeoutMs: 30_000,
  },
];
