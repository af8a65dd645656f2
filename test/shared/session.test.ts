import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTORS, SESSION_STATES, TRANSITION_KINDS } from '../../shared/session.js';

/*
 * The contract's lists (PROTOCOL.md, the `transition` event and the dashboard's `by`),
 * spelled out here and nowhere else: every other test imports them from shared/, so a
 * drift of shared/ from the contract fails here, once.
 */
const KINDS =
  'registered warning missed recovered paused resumed timeout disconnected reconnected unregistered';
const STATES = 'healthy warning paused timed_out gone';
const BY = 'agent dashboard api gateway';

describe('the lists of shared/session.ts', () => {
  it('match the contract, in its order', () => {
    expect(TRANSITION_KINDS.join(' ')).toBe(KINDS);
    expect(SESSION_STATES.join(' ')).toBe(STATES);
    expect(ACTORS.join(' ')).toBe(BY);
  });

  it('are the ones docs/protocol.md gives', () => {
    const doc = readFileSync('docs/protocol.md', 'utf8').replace(/\s+/g, ' ');
    const oneOf = (words: string) => words.replace(/(\w+)/g, '`$1`').replaceAll(' ', ', ');
    expect(doc).toContain(`\`kind\`: \`${KINDS}\`.`);
    expect(doc).toContain(`\`state\` is one of ${oneOf(STATES)};`);
    expect(doc).toContain(`\`by\` on \`paused\`/\`resumed\` is one of ${oneOf(BY)}.`);
  });
});
