import { describe, expect, it } from 'vitest';
import { applyTransition, SessionMirror } from '../../client/dashboard/mirror.js';
import type { Transition } from '../../shared/session.js';
import { status, transition } from '../support/sessions.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';

function t(seq: number, kind: Transition['kind'], extra: Partial<Transition> = {}): Transition {
  return transition({ seq, at: T1, kind, session: 's1', agentType: 'planner', ...extra });
}

const base = status({
  session: 's1',
  agentType: 'planner',
  lastBeat: T0,
  msSinceBeat: 5,
  registeredAt: T0,
});

describe('applyTransition', () => {
  it('registered creates a connected, healthy session beaten at `at`', () => {
    expect(applyTransition(undefined, t(1, 'registered', { at: T0, status: 'boot' }))).toEqual({
      ...base,
      msSinceBeat: 0,
      status: 'boot',
    });
  });

  it('registered by the API (an HTTP beat) has no connection', () => {
    expect(applyTransition(undefined, t(1, 'registered', { by: 'api' }))?.connected).toBe(false);
  });

  it('warning and missed count beats without moving lastBeat', () => {
    const w = applyTransition(base, t(2, 'warning', { state: 'warning', missedBeats: 1 }));
    expect(w).toEqual({ ...base, state: 'warning', missedBeats: 1, healthy: false });
    const m = applyTransition(w, t(3, 'missed', { state: 'warning', missedBeats: 2, at: T2 }));
    expect(m).toEqual({ ...base, state: 'warning', missedBeats: 2, healthy: false });
  });

  it('recovered and reconnected imply a beat', () => {
    const w = { ...base, state: 'warning' as const, missedBeats: 2, healthy: false };
    expect(applyTransition(w, t(4, 'recovered', { at: T2 }))).toEqual({
      ...base,
      lastBeat: T2,
      msSinceBeat: 0,
    });
    const d = { ...w, connected: false };
    expect(
      applyTransition(d, t(5, 'reconnected', { state: 'warning', missedBeats: 0, at: T2 })),
    ).toEqual({
      ...base,
      state: 'warning',
      lastBeat: T2,
      msSinceBeat: 0,
    });
  });

  it('paused records who and why; resumed clears them and restarts the count', () => {
    const p = applyTransition(
      base,
      t(2, 'paused', { state: 'paused', by: 'dashboard', reason: 'maint' }),
    );
    expect(p).toEqual({
      ...base,
      state: 'paused',
      paused: true,
      pausedBy: 'dashboard',
      pauseReason: 'maint',
    });
    const again = applyTransition(p, t(3, 'paused', { state: 'paused', by: 'agent' }));
    expect(again).toEqual({ ...base, state: 'paused', paused: true, pausedBy: 'agent' });
    const r = applyTransition(
      again,
      t(4, 'resumed', { by: 'gateway', reason: 'disconnected', at: T2 }),
    );
    expect(r).toEqual({ ...base, lastBeat: T2, msSinceBeat: 0 });
  });

  it('a pause survives transitions that do not end it', () => {
    const p = {
      ...base,
      state: 'paused' as const,
      paused: true,
      pausedBy: 'api' as const,
      pauseReason: 'x',
    };
    expect(applyTransition(p, t(2, 'disconnected', { state: 'paused' }))).toEqual({
      ...p,
      connected: false,
    });
  });

  it('disconnected keeps the session without its connection', () => {
    expect(applyTransition(base, t(2, 'disconnected'))).toEqual({ ...base, connected: false });
  });

  it('timeout and unregistered remove the session', () => {
    expect(
      applyTransition(base, t(2, 'timeout', { state: 'timed_out', missedBeats: 3 })),
    ).toBeUndefined();
    expect(applyTransition(base, t(2, 'unregistered', { state: 'gone' }))).toBeUndefined();
  });

  it('takes the status text and the agent type the transition carries', () => {
    const s = applyTransition(
      { ...base, status: 'old' },
      t(2, 'reconnected', { agentType: 'coder', status: 'new' }),
    );
    expect(s?.status).toBe('new');
    expect(s?.agentType).toBe('coder');
    expect(applyTransition({ ...base, status: 'old' }, t(2, 'disconnected'))?.status).toBe('old');
  });

  it('builds a session it never saw from the transition alone', () => {
    const s = applyTransition(undefined, t(9, 'paused', { state: 'paused', by: 'agent', at: T2 }));
    expect(s).toMatchObject({ session: 's1', paused: true, pausedBy: 'agent', registeredAt: T2 });
  });
});

describe('SessionMirror', () => {
  it('replaces on snapshot, applies in order, skips stale events and reports gaps', () => {
    const mirror = new SessionMirror();
    mirror.replace({ seq: 10, reset: false, sessions: [base] });
    expect(mirror.seq).toBe(10);
    expect(mirror.apply(t(10, 'disconnected'), true)).toBe('stale');
    expect(mirror.apply(t(11, 'disconnected'), true)).toBe('applied');
    expect(mirror.sessions.get('s1')?.connected).toBe(false);
    expect(mirror.apply(t(13, 'reconnected'), true)).toBe('gap');
    expect(mirror.sessions.get('s1')?.connected).toBe(false);
    expect(mirror.seq).toBe(11);
    expect(mirror.apply(t(13, 'reconnected'), false)).toBe('applied');
    expect(mirror.seq).toBe(13);
    expect(mirror.apply(t(14, 'unregistered', { state: 'gone' }), true)).toBe('applied');
    expect(mirror.sessions.size).toBe(0);
  });

  it('a reset snapshot replaces everything', () => {
    const mirror = new SessionMirror();
    mirror.replace({ seq: 5, reset: false, sessions: [base, { ...base, session: 's2' }] });
    const old = mirror.sessions;
    mirror.replace({ seq: 3, reset: true, sessions: [{ ...base, session: 's3' }] });
    expect([...mirror.sessions.keys()]).toEqual(['s3']);
    expect(mirror.seq).toBe(3);
    expect(old.size).toBe(2);
  });
});
