import { describe, expect, it } from 'vitest';
import { SESSION_STATES, TRANSITION_KINDS } from '../../shared/session.js';
import {
  formatClock,
  formatMissed,
  formatPause,
  formatSince,
  kindClassName,
  stateLook,
} from '../../web/dashboard/format.js';

describe('state formatting', () => {
  it('gives every state a distinct text, glyph and colour class', () => {
    const looks = SESSION_STATES.map(stateLook);
    expect(new Set(looks.map((l) => l.label)).size).toBe(SESSION_STATES.length);
    expect(new Set(looks.map((l) => l.glyph)).size).toBe(SESSION_STATES.length);
    expect(new Set(looks.map((l) => l.className)).size).toBe(SESSION_STATES.length);
    expect(stateLook('timed_out').label).toBe('timed out');
  });

  it('colours every transition kind', () => {
    for (const kind of TRANSITION_KINDS) expect(kindClassName(kind)).toMatch(/^state-/);
    expect(kindClassName('timeout')).toBe('state-timed_out');
    expect(kindClassName('recovered')).toBe('state-healthy');
  });
});

describe('formatSince', () => {
  it.each([
    [0, '0 s'],
    [999, '0 s'],
    [1000, '1 s'],
    [59_999, '59 s'],
    [60_000, '1 m 00 s'],
    [65_000, '1 m 05 s'],
    [3_600_000, '1 h 00 m'],
    [3_723_000, '1 h 02 m'],
    [86_400_000 + 4 * 3_600_000, '1 d 04 h'],
    [-5, '0 s'],
    [Number.NaN, '0 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatSince(ms)).toBe(text);
  });
});

describe('formatMissed and formatPause', () => {
  it('shows k/M, and k/? while M is unknown', () => {
    expect(formatMissed(2, 3)).toBe('2/3');
    expect(formatMissed(0, undefined)).toBe('0/?');
  });

  it('shows who paused and why', () => {
    expect(formatPause({ paused: false })).toBe('');
    expect(
      formatPause({ paused: true, pausedBy: 'agent', pauseReason: 'awaiting user input' }),
    ).toBe('agent: awaiting user input');
    expect(formatPause({ paused: true, pausedBy: 'dashboard' })).toBe('dashboard');
  });

  it('formats a transition time as a local wall clock with milliseconds', () => {
    expect(formatClock('2026-01-01T10:02:03.045Z')).toMatch(/^\d\d:02:03\.045$/);
    expect(formatClock('nonsense')).toBe('nonsense');
  });
});
