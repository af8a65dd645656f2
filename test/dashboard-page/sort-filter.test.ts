import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../shared/session.js';
import { SESSION_STATES } from '../../shared/session.js';
import { agentTypesOf, countByState, sessionPredicate } from '../../web/dashboard/filter.js';
import { SORT_COLUMNS, sortSessions, toggleSort } from '../../web/dashboard/sort.js';
import { status } from '../support/sessions.js';

const rows = (): SessionStatus[] => [
  status({ session: 'b', agentType: 'planner', state: 'warning', missedBeats: 1 }),
  status({ session: 'a', agentType: 'worker', lastBeat: '2026-01-01T00:00:05.000Z' }),
  status({
    session: 'c',
    agentType: 'worker',
    state: 'paused',
    paused: true,
    pausedBy: 'agent',
    pauseReason: 'Awaiting user input',
    status: 'step 3',
  }),
];

const ids = (list: readonly SessionStatus[]) => list.map((s) => s.session);

describe('sortSessions', () => {
  it('sorts by id, both ways', () => {
    expect(ids(sortSessions(rows(), { column: 'session', descending: false }))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(ids(sortSessions(rows(), { column: 'session', descending: true }))).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('sorts states by severity and "since" by the oldest beat first', () => {
    expect(ids(sortSessions(rows(), { column: 'state', descending: false }))).toEqual([
      'b',
      'c',
      'a',
    ]);
    expect(ids(sortSessions(rows(), { column: 'since', descending: true }))).toEqual([
      'b',
      'c',
      'a',
    ]);
  });

  it('breaks ties by id so the order is total', () => {
    expect(ids(sortSessions(rows(), { column: 'agentType', descending: false }))).toEqual([
      'b',
      'a',
      'c',
    ]);
  });

  it('gives the same order whatever the input order (property)', () => {
    const arb = fc.array(
      fc.record({
        session: fc.stringMatching(/^[a-z]{1,4}$/),
        agentType: fc.constantFrom('x', 'y'),
        state: fc.constantFrom(...SESSION_STATES),
        missedBeats: fc.nat(3),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(
        arb,
        fc.constantFrom(...SORT_COLUMNS),
        fc.boolean(),
        (items, column, descending) => {
          const unique = [...new Map(items.map((i) => [i.session, status(i)])).values()];
          const order = { column, descending };
          const a = ids(sortSessions([...unique], order));
          const b = ids(sortSessions([...unique].reverse(), order));
          expect(a).toEqual(b);
        },
      ),
    );
  });

  it('toggles the direction on the same column and resets on another', () => {
    const asc = { column: 'session' as const, descending: false };
    expect(toggleSort(asc, 'session')).toEqual({ column: 'session', descending: true });
    expect(toggleSort({ column: 'session', descending: true }, 'state')).toEqual({
      column: 'state',
      descending: false,
    });
  });
});

describe('filtering', () => {
  it('filters by agent type, state and free text, case-insensitively', () => {
    expect(
      ids(rows().filter(sessionPredicate({ agentType: 'worker', state: '', text: '' }))),
    ).toEqual(['a', 'c']);
    expect(
      ids(rows().filter(sessionPredicate({ agentType: '', state: 'warning', text: '' }))),
    ).toEqual(['b']);
    expect(
      ids(rows().filter(sessionPredicate({ agentType: '', state: '', text: ' user INPUT ' }))),
    ).toEqual(['c']);
    expect(
      ids(rows().filter(sessionPredicate({ agentType: '', state: '', text: 'step' }))),
    ).toEqual(['c']);
    expect(
      ids(rows().filter(sessionPredicate({ agentType: 'planner', state: 'paused', text: '' }))),
    ).toEqual([]);
  });

  it('counts every state and lists the agent types', () => {
    expect(countByState(rows())).toEqual({
      healthy: 1,
      warning: 1,
      paused: 1,
      timed_out: 0,
      gone: 0,
    });
    expect(agentTypesOf(rows())).toEqual(['planner', 'worker']);
  });
});
