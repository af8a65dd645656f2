import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { decodeAgentFrame } from '../../shared/agent-frames.js';
import { PulsegateError } from '../../shared/errors.js';
import { characterCount, clipText, isShortText, MAX_TEXT_LENGTH } from '../../shared/limits.js';

const EMOJI = '\u{1F600}'; // two UTF-16 code units, one character

describe('text limits count characters, not UTF-16 code units', () => {
  test('characterCount and clipText agree with the string iterator', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.nat(300), (text, max) => {
        const chars = Array.from(text);
        expect(characterCount(text)).toBe(chars.length);
        expect(clipText(text, max)).toBe(chars.slice(0, max).join(''));
        expect(isShortText(text)).toBe(chars.length <= MAX_TEXT_LENGTH);
      }),
      { numRuns: 500 },
    );
  });

  test('a lone surrogate is one character, and a pair is never cut in two', () => {
    expect(characterCount('\uD83D')).toBe(1);
    expect(characterCount('a\uDE00b')).toBe(3);
    expect(clipText(`a${EMOJI}b`, 2)).toBe(`a${EMOJI}`);
    expect(clipText(EMOJI.repeat(300), 256)).toBe(EMOJI.repeat(256));
  });

  test('an agent frame takes 256 emoji of status and refuses 257', () => {
    const beat = (status: string) => decodeAgentFrame(JSON.stringify({ type: 'beat', status }));
    expect(beat(EMOJI.repeat(256))).toEqual({ type: 'beat', status: EMOJI.repeat(256) });
    expect(beat(EMOJI.repeat(257))).toBeInstanceOf(PulsegateError);
    expect(beat('x'.repeat(256))).toEqual({ type: 'beat', status: 'x'.repeat(256) });
    expect(beat('x'.repeat(257))).toBeInstanceOf(PulsegateError);
  });
});
