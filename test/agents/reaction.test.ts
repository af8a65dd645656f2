import { describe, expect, it } from 'vitest';
import { agentReaction } from '../../server/agents/reaction.js';
import type { MonitorTransition } from '../../server/monitor/types.js';

function t(fields: Partial<MonitorTransition>): MonitorTransition {
  return {
    kind: 'registered',
    at: 0,
    session: 's',
    tenant: 'default',
    agentType: 'w',
    state: 'healthy',
    missedBeats: 0,
    maxMissedBeats: 3,
    ...fields,
  };
}

describe('agentReaction', () => {
  it('warns on every missed beat k < M, never on the M-th', () => {
    expect(agentReaction(t({ kind: 'warning', missedBeats: 1 }))).toEqual({
      send: { type: 'warning', missedBeats: 1 },
    });
    expect(agentReaction(t({ kind: 'missed', missedBeats: 2 }))).toEqual({
      send: { type: 'warning', missedBeats: 2 },
    });
    expect(
      agentReaction(t({ kind: 'warning', missedBeats: 1, maxMissedBeats: 1 })),
    ).toBeUndefined();
  });

  it("tells of others' pauses and resumes, never of the agent's own", () => {
    expect(agentReaction(t({ kind: 'paused', by: 'dashboard', reason: 'r' }))).toEqual({
      send: { type: 'paused', by: 'dashboard', reason: 'r' },
    });
    expect(agentReaction(t({ kind: 'paused', by: 'api' }))).toEqual({
      send: { type: 'paused', by: 'api' },
    });
    expect(agentReaction(t({ kind: 'resumed', by: 'gateway', reason: 'max_pause' }))).toEqual({
      send: { type: 'resumed', by: 'gateway' },
    });
    expect(agentReaction(t({ kind: 'paused', by: 'agent' }))).toBeUndefined();
    expect(agentReaction(t({ kind: 'resumed', by: 'agent' }))).toBeUndefined();
  });

  it('closes 4010 on timeout and 4011 on unregister', () => {
    expect(agentReaction(t({ kind: 'timeout' }))).toMatchObject({ close: 4010 });
    expect(agentReaction(t({ kind: 'unregistered', by: 'dashboard' }))).toMatchObject({
      close: 4011,
    });
  });

  it('says nothing about the rest', () => {
    for (const kind of ['registered', 'recovered', 'disconnected', 'reconnected'] as const) {
      expect(agentReaction(t({ kind }))).toBeUndefined();
    }
  });
});
