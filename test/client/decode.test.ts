import { describe, expect, it } from 'vitest';
import {
  readAck,
  readSnapshot,
  readTransition,
  readSessionStatus,
} from '../../client/dashboard/decode.js';
import { PulsegateError } from '../../shared/errors.js';

const status = {
  session: 's1',
  agentType: 'planner',
  tenant: 'default',
  state: 'paused',
  connected: true,
  paused: true,
  pausedBy: 'dashboard',
  pauseReason: 'maint',
  healthy: true,
  missedBeats: 0,
  lastBeat: '2026-01-01T00:00:00.000Z',
  msSinceBeat: 12,
  registeredAt: '2026-01-01T00:00:00.000Z',
  status: 'step 3',
};

const transition = {
  seq: 4,
  at: '2026-01-01T00:00:00.000Z',
  kind: 'paused',
  session: 's1',
  agentType: 'planner',
  tenant: 'default',
  state: 'paused',
  missedBeats: 0,
  by: 'agent',
  reason: 'input',
};

describe('dashboard decoders', () => {
  it('read well-formed values and ignore fields they do not know', () => {
    expect(readSessionStatus({ ...status, extra: 1 })).toEqual(status);
    expect(readTransition({ ...transition, extra: 1 })).toEqual(transition);
    expect(readSnapshot({ seq: 3, reset: true, sessions: [status] })).toEqual({
      seq: 3,
      reset: true,
      sessions: [status],
    });
  });

  it('keep maxMissedBeats (a Pulsegate addition) when present, and need it nowhere', () => {
    expect(readSessionStatus({ ...status, maxMissedBeats: 3 })).toEqual({
      ...status,
      maxMissedBeats: 3,
    });
    expect(readTransition({ ...transition, maxMissedBeats: 2 })).toEqual({
      ...transition,
      maxMissedBeats: 2,
    });
    expect(readSessionStatus({ ...status, maxMissedBeats: 0 })).toBeUndefined();
    expect(readTransition({ ...transition, maxMissedBeats: '3' })).toBeUndefined();
  });

  it('refuse malformed values', () => {
    expect(readSessionStatus({ ...status, state: 'dead' })).toBeUndefined();
    expect(readSessionStatus({ ...status, pausedBy: 'cat' })).toBeUndefined();
    expect(readSessionStatus({ ...status, missedBeats: -1 })).toBeUndefined();
    expect(readSessionStatus({ ...status, status: 3 })).toBeUndefined();
    expect(readSessionStatus(JSON.parse('{"__proto__":{"x":1}}'))).toBeUndefined();
    expect(readTransition({ ...transition, kind: 'exploded' })).toBeUndefined();
    expect(readTransition({ ...transition, seq: 1.5 })).toBeUndefined();
    expect(readSnapshot({ seq: 3, reset: false, sessions: [status, {}] })).toBeUndefined();
    expect(readSnapshot(null)).toBeUndefined();
  });

  it('turn acks into records or PulsegateErrors with the contract code', () => {
    expect(readAck({ ok: true, sessions: [] })).toEqual({ ok: true, sessions: [] });
    const refused = readAck({
      ok: false,
      error: { code: 'not_found', message: 'no such session' },
    });
    expect(refused).toBeInstanceOf(PulsegateError);
    expect((refused as PulsegateError).code).toBe('not_found');
    expect((readAck({ ok: false, error: { code: 'weird' } }) as PulsegateError).code).toBe(
      'internal',
    );
    expect((readAck('yes') as PulsegateError).code).toBe('internal');
  });
});
