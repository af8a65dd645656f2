/**
 * Agent messages: non-JSON, deep nesting, `__proto__` keys, unknown types, over-long
 * fields, another session's id, floods. Contract section 4: a refused frame gets an
 * `error` frame and the connection stays; 1008 after more than 10 refusals in 60 s; 4008
 * past the rate (50/s, burst 100); 1009 over 16 KiB; 4001 for a refused refresh.
 */
import type { HostileCase } from '../case.js';
import { agentToken } from '../support/tokens.js';
import { freshSession, replyTo, sleep, wsAgent } from './observe.js';

function refused(name: string, text: string): HostileCase {
  return {
    group: 'agent',
    name,
    act: ({ port }) => replyTo(port, text),
    expected: { reply: 'invalid', open: true },
  };
}

/** An agent that sends `frames` (made when the case runs) and must be closed with `close`. */
function closedBy(
  name: string,
  frames: () => Promise<readonly string[]> | readonly string[],
  close: number,
): HostileCase {
  return {
    group: 'agent',
    name,
    act: async ({ port }) => {
      const agent = await wsAgent(port);
      for (const frame of await frames()) agent.send(frame);
      return { close: await agent.closeWithin(3_000) };
    },
    expected: { close },
  };
}

function nested(depth: number): string {
  return `{"type":"beat","status":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

export const agentCases: HostileCase[] = [
  refused('not JSON', 'hello'),
  refused('truncated JSON', '{"type":"beat"'),
  refused('JSON with trailing garbage', '{"type":"beat"}x'),
  refused('a byte-order mark before the JSON', '\uFEFF{"type":"beat"}'),
  refused('a JSON array', '[{"type":"beat"}]'),
  refused('a JSON string', '"beat"'),
  refused('JSON null', 'null'),
  refused('a JSON number', '1e999'),
  refused('deep nesting: 8,000 levels inside 16 KiB', nested(8_000)),
  refused('__proto__ key', '{"type":"beat","__proto__":{"admin":true}}'),
  refused('constructor key', '{"type":"beat","constructor":{"prototype":{}}}'),
  refused('prototype key', '{"type":"beat","prototype":1}'),
  refused('unknown type', '{"type":"teleport"}'),
  refused('no type', '{"status":"x"}'),
  refused('type in upper case', '{"type":"BEAT"}'),
  refused('type as a list', '{"type":["beat"]}'),
  refused('an unknown field', '{"type":"beat","extra":1}'),
  refused('status of 257 chars', JSON.stringify({ type: 'beat', status: 's'.repeat(257) })),
  refused('status as an object', '{"type":"beat","status":{"a":1}}'),
  refused(
    'pause reason of 10,000 chars',
    JSON.stringify({ type: 'pause', reason: 'r'.repeat(10_000) }),
  ),
  refused('pause reason null', '{"type":"pause","reason":null}'),
  refused('refresh with an empty token', '{"type":"refresh","token":""}'),
  refused("another session's id in the frame", '{"type":"beat","session":"victim"}'),
  {
    group: 'agent',
    name: 'status with a lone surrogate is text, accepted',
    act: ({ port }) => replyTo(port, '{"type":"beat","status":"\\ud800"}'),
    expected: { reply: 'none', open: true },
  },
  closedBy(
    'duplicate type keys: JSON says the last wins (bye, 1000)',
    () => ['{"type":"beat","type":"bye"}'],
    1000,
  ),
  closedBy('eleven refused frames within a minute', () => Array<string>(11).fill('[]'), 1008),
  closedBy('a flood: 300 beats at once', () => Array<string>(300).fill('{"type":"beat"}'), 4008),
  closedBy(
    'a refresh with a token of another session',
    async () => [JSON.stringify({ type: 'refresh', token: await agentToken(freshSession()) })],
    4001,
  ),
  closedBy('a refresh with a garbage token', () => ['{"type":"refresh","token":"garbage"}'], 4001),
  {
    group: 'agent',
    name: 'the same session id in another tenant does not touch the first',
    act: async ({ port, gateway }) => {
      const session = freshSession('victim');
      const victim = await wsAgent(port, session);
      const { WebSocket } = await import('ws');
      const other = new WebSocket(`ws://127.0.0.1:${port}/v1/agent`, {
        headers: { authorization: `Bearer ${await agentToken(session, { tenant: 'mallory' })}` },
      });
      await new Promise((r) => other.once('message', r));
      other.send('{"type":"pause","reason":"gotcha"}');
      other.send('{"type":"bye"}');
      await sleep(200);
      const status = gateway?.monitor.getStatus(session, { tenant: 'default' });
      const open = await victim.isOpen();
      victim.end();
      return { open, paused: status?.paused, state: status?.state };
    },
    expected: { open: true, paused: false, state: 'healthy' },
    inProcessOnly: true,
  },
];
