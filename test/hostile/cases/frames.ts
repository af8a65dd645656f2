/**
 * Frames, written byte by byte on a socket after a real upgrade: over-size (1009), invalid
 * UTF-8 (1007), unmasked, reserved bits and opcodes, broken fragmentation and control
 * frames (1002, from `ws`), ping and pong floods (4008: pings count against the rate),
 * binary frames on the text protocol (1003).
 */
import type { HostileCase } from '../case.js';
import { encodeFrame, type FrameSpec } from '../support/raw-socket.js';
import { closeAfter, rawAgent } from './observe.js';

const TEXT = 0x1;
const BINARY = 0x2;
const CONT = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

function closes(name: string, code: number, ...frames: FrameSpec[]): HostileCase {
  return {
    group: 'frames',
    name,
    act: ({ port }) => closeAfter(port, ...frames),
    expected: { close: code },
  };
}

function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, Buffer.isBuffer(reason) ? reason : Buffer.from(reason)]);
}

const beat = '{"type":"beat"}';

export const frameCases: HostileCase[] = [
  closes('a text frame of 16 KiB + 1', 1009, { opcode: TEXT, payload: ' '.repeat(16 * 1024 + 1) }),
  closes('a 64-bit length of 2^62 announced', 1009, {
    opcode: TEXT,
    payload: 'x',
    declaredLength: 2n ** 62n,
  }),
  // ws refuses any length past 2^53 - 1 as too big, before looking at the top bit.
  closes('a 64-bit length with the top bit set', 1009, {
    opcode: TEXT,
    payload: 'x',
    declaredLength: 2n ** 63n + 5n,
  }),
  closes('invalid UTF-8 in a text frame', 1007, {
    opcode: TEXT,
    payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
  }),
  closes('an overlong UTF-8 encoding of "/"', 1007, {
    opcode: TEXT,
    payload: Buffer.from([0xc0, 0xaf]),
  }),
  closes('an unmasked client frame', 1002, { opcode: TEXT, payload: beat, mask: false }),
  closes('RSV1 set without an extension', 1002, { opcode: TEXT, payload: beat, rsv: 0b100 }),
  closes('RSV2 set', 1002, { opcode: TEXT, payload: beat, rsv: 0b010 }),
  closes('RSV3 set', 1002, { opcode: TEXT, payload: beat, rsv: 0b001 }),
  closes('reserved data opcode 0x3', 1002, { opcode: 0x3, payload: beat }),
  closes('reserved control opcode 0xB', 1002, { opcode: 0xb }),
  closes('a continuation with nothing to continue', 1002, { opcode: CONT, payload: beat }),
  closes(
    'a new text frame inside a fragmented message',
    1002,
    { opcode: TEXT, payload: '{"type"', fin: false },
    { opcode: TEXT, payload: ':"beat"}' },
  ),
  closes('a fragmented ping', 1002, { opcode: PING, payload: 'a', fin: false }),
  closes('a ping with 126 bytes', 1002, { opcode: PING, payload: 'p'.repeat(126) }),
  closes('a close frame with a 1-byte payload', 1002, {
    opcode: CLOSE,
    payload: Buffer.from([0x03]),
  }),
  closes('a close frame with code 999', 1002, { opcode: CLOSE, payload: closePayload(999) }),
  closes('a close frame with reserved code 1005', 1002, {
    opcode: CLOSE,
    payload: closePayload(1005),
  }),
  closes('a close reason in invalid UTF-8', 1007, {
    opcode: CLOSE,
    payload: closePayload(1000, Buffer.from([0xff, 0xfe])),
  }),
  closes('a binary frame', 1003, { opcode: BINARY, payload: beat }),
  closes(
    'a fragmented binary frame',
    1003,
    { opcode: BINARY, payload: '{"type"', fin: false },
    { opcode: CONT, payload: ':"beat"}' },
  ),
  {
    group: 'frames',
    name: 'too many fragments: 20,000 one-byte fragments',
    act: async ({ port }) => {
      const parts: Buffer[] = [encodeFrame({ opcode: TEXT, payload: ' ', fin: false })];
      for (let i = 0; i < 20_000; i++)
        parts.push(encodeFrame({ opcode: CONT, payload: ' ', fin: false }));
      return closeAfter(port, Buffer.concat(parts));
    },
    expected: { close: 1009 },
  },
  {
    group: 'frames',
    name: '500 fragments of a good beat are one frame, accepted',
    act: async ({ port }) => {
      const ws = await rawAgent(port);
      const text = beat.padEnd(500, ' ');
      const parts = [...text].map((ch, i) =>
        encodeFrame({ opcode: i === 0 ? TEXT : CONT, payload: ch, fin: i === text.length - 1 }),
      );
      ws.write(Buffer.concat(parts), { opcode: PING, payload: 'after' });
      const pong = await ws.waitFor((f) => f.opcode === PONG);
      const errors = ws.texts().filter((t) => JSON.stringify(t).includes('"error"'));
      ws.destroy();
      return { pong: pong.payload.toString(), errors: errors.length };
    },
    expected: { pong: 'after', errors: 0 },
  },
  {
    group: 'frames',
    name: 'a good beat written one byte per TCP segment',
    act: async ({ port }) => {
      const ws = await rawAgent(port);
      const bytes = encodeFrame({ opcode: TEXT, payload: beat });
      for (const b of bytes) {
        ws.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 2));
      }
      ws.write({ opcode: PING, payload: 'after' });
      const pong = await ws.waitFor((f) => f.opcode === PONG);
      const texts = ws.texts().length;
      ws.destroy();
      return { pong: pong.payload.toString(), onlyWelcome: texts === 1 };
    },
    expected: { pong: 'after', onlyWelcome: true },
  },
  {
    group: 'frames',
    name: 'an empty text frame is a refused frame, not a close',
    act: async ({ port }) => {
      const ws = await rawAgent(port);
      ws.write({ opcode: TEXT, payload: '' });
      const error = await ws.waitFor((f) => f.opcode === TEXT && f.payload.includes('"error"'));
      ws.write({ opcode: PING, payload: 'p' });
      await ws.waitFor((f) => f.opcode === PONG);
      ws.destroy();
      return { reply: (JSON.parse(error.payload.toString()) as { code: string }).code, open: true };
    },
    expected: { reply: 'invalid', open: true },
  },
  closes(
    'a ping flood: 300 pings at once',
    4008,
    ...Array.from({ length: 300 }, () => ({ opcode: PING })),
  ),
  closes(
    'a pong flood: 300 unsolicited pongs',
    4008,
    ...Array.from({ length: 300 }, () => ({ opcode: PONG })),
  ),
];
