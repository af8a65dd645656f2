import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionMirror } from '../../client/dashboard/mirror.js';
import { stamp } from '../../server/dashboards/event-log.js';
import { toStatus, type SessionRecord } from '../../server/monitor/record.js';
import { deadlineOf, step, type MonitorEvent } from '../../server/monitor/rules.js';
import { ACTORS, type Policy, type SessionStatus } from '../../shared/session.js';

/*
 * The mirror against the monitor's own rules: random events on a few sessions go through
 * `step`, the transitions it emits (given seq and ISO time by the event log's own `stamp`)
 * go through the mirror, and the mirror must equal the rules' statuses.
 */

const POLICY: Policy = { timeoutMs: 1_000, checkIntervalMs: 300, maxMissedBeats: 3 };
const IDS = ['a', 'b', 'c', 'd'];

type Op =
  | {
      kind: 'connect' | 'disconnect' | 'unregister' | 'due' | 'beat' | 'lateBeat';
      id: number;
      dt: number;
      text?: string;
    }
  | { kind: 'pause'; id: number; dt: number; by: number; reason?: string }
  | { kind: 'resume'; id: number; dt: number; by: number };

function ops(withBeats: boolean): fc.Arbitrary<Op[]> {
  const id = fc.integer({ min: 0, max: IDS.length - 1 });
  const dt = fc.integer({ min: 0, max: 700 });
  const by = fc.integer({ min: 0, max: ACTORS.length - 1 });
  const text = fc.option(fc.constantFrom('x', 'step 2', 'waiting'), { nil: undefined });
  const simple = ['connect', 'disconnect', 'unregister', 'due'] as const;
  const arbs: fc.Arbitrary<Op>[] = [
    fc.record({ kind: fc.constantFrom(...simple), id, dt }),
    fc.record({ kind: fc.constant('pause' as const), id, dt, by, reason: text }),
    fc.record({ kind: fc.constant('resume' as const), id, dt, by }),
  ];
  // A late beat (in warning) always emits `recovered`: it keeps the first property exact.
  arbs.push(fc.record({ kind: fc.constant('lateBeat' as const), id, dt, text }));
  if (withBeats) arbs.push(fc.record({ kind: fc.constant('beat' as const), id, dt, text }));
  return fc.array(fc.oneof(...arbs), { minLength: 20, maxLength: 200, size: 'max' });
}

function eventOf(op: Op, sessionId: string): MonitorEvent {
  switch (op.kind) {
    case 'connect':
      return {
        type: 'connect',
        id: sessionId,
        tenant: 'default',
        agentType: 'planner',
        policy: POLICY,
      };
    case 'beat':
    case 'lateBeat':
      return { type: 'beat', status: op.text };
    case 'pause':
      return { type: 'pause', by: ACTORS[op.by] ?? 'agent', reason: op.reason };
    case 'resume':
      return { type: 'resume', by: ACTORS[op.by] ?? 'agent' };
    case 'disconnect':
    case 'unregister':
    case 'due':
      return { type: op.kind };
  }
}

/** Every kind the runs produced: the test checks that each was exercised. */
const kinds = new Set<string>();

function run(list: Op[]): { mirror: SessionMirror; expected: Map<string, SessionStatus> } {
  const records = new Map<string, { record: SessionRecord; lastBeat: number }>();
  const mirror = new SessionMirror();
  mirror.replace({ seq: 0, reset: false, sessions: [] });
  let now = 1_767_225_600_000;
  let seq = 0;
  for (const op of list) {
    const sessionId = IDS[op.id] ?? 'a';
    now += op.dt;
    const entry = records.get(sessionId);
    const prev = entry?.record;
    const lastBeat = entry?.lastBeat ?? now;
    if (op.kind === 'lateBeat' && (prev === undefined || prev.missedBeats === 0 || prev.pause)) {
      continue;
    }
    if (op.kind === 'due') {
      const deadline =
        prev === undefined ? undefined : deadlineOf(prev, lastBeat, { maxPauseMs: 0 });
      if (deadline === undefined) continue;
      // `due` happens at the deadline; the store never runs it early.
      now = Math.max(now, deadline);
    }
    const s = step(prev, lastBeat, eventOf(op, sessionId), now, { maxPauseMs: 0 });
    if (s.record === undefined) records.delete(sessionId);
    else records.set(sessionId, { record: s.record, lastBeat: s.lastBeat });
    for (const mt of s.transitions) {
      seq += 1;
      const t = stamp(mt, seq);
      expect(mirror.apply(t, true)).toBe('applied');
      kinds.add(t.kind);
    }
  }
  const expected = new Map([...records].map(([k, e]) => [k, toStatus(e.record, e.lastBeat, now)]));
  return { mirror, expected };
}

function without(s: SessionStatus | undefined, keys: (keyof SessionStatus)[]) {
  if (s === undefined) return undefined;
  const copy: Partial<SessionStatus> = { ...s };
  for (const k of keys) delete copy[k];
  return copy;
}

describe('the mirror follows the monitor rules', () => {
  it('exactly (but msSinceBeat) when every change emits a transition', () => {
    fc.assert(
      fc.property(ops(false), (list) => {
        const { mirror, expected } = run(list);
        expect([...mirror.sessions.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [id, status] of expected) {
          expect(without(mirror.sessions.get(id), ['msSinceBeat'])).toEqual(
            without(status, ['msSinceBeat']),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('but for what plain beats change, which emit nothing', () => {
    fc.assert(
      fc.property(ops(true), (list) => {
        const { mirror, expected } = run(list);
        expect([...mirror.sessions.keys()].sort()).toEqual([...expected.keys()].sort());
        const skip: (keyof SessionStatus)[] = ['msSinceBeat', 'lastBeat', 'status'];
        // A beat while paused also resets the count (and so `healthy`), silently.
        const skipPaused: (keyof SessionStatus)[] = [...skip, 'missedBeats', 'healthy'];
        for (const [id, status] of expected) {
          const keys = status.paused ? skipPaused : skip;
          expect(without(mirror.sessions.get(id), keys)).toEqual(without(status, keys));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('exercised every kind of transition', () => {
    expect([...kinds].sort()).toEqual(
      [
        'disconnected',
        'missed',
        'paused',
        'reconnected',
        'recovered',
        'registered',
        'resumed',
        'timeout',
        'unregistered',
        'warning',
      ].sort(),
    );
  });
});
