import { describe, expect, it } from 'vitest';
import { MaxMissedBeats } from '../../web/dashboard/max-missed.js';
import { status, transition } from '../support/sessions.js';

describe('MaxMissedBeats', () => {
  it('knows nothing at first', () => {
    const m = new MaxMissedBeats();
    expect(m.of('worker')).toBeUndefined();
    expect(m.lowerBound('worker')).toBe(1);
  });

  it('learns M exactly from a timeout of the agent type', () => {
    const m = new MaxMissedBeats();
    expect(m.learn(transition({ session: 'a', kind: 'timeout', missedBeats: 3 }))).toBe(true);
    expect(m.of('worker')).toBe(3);
    expect(m.of('planner')).toBeUndefined();
    expect(m.learn(transition({ session: 'b', kind: 'timeout', missedBeats: 3 }))).toBe(false);
  });

  it('raises a lower bound from warning and missed, without overriding an exact M', () => {
    const m = new MaxMissedBeats();
    m.learn(transition({ session: 'a', kind: 'missed', missedBeats: 2 }));
    expect(m.lowerBound('worker')).toBe(3);
    expect(m.of('worker')).toBeUndefined();
    m.learn(transition({ session: 'a', kind: 'timeout', missedBeats: 4 }));
    m.learn(transition({ session: 'a', kind: 'missed', missedBeats: 5 }));
    expect(m.of('worker')).toBe(4);
  });

  it('prefers an explicit maxMissedBeats field when the gateway sends one', () => {
    const m = new MaxMissedBeats();
    const s = { ...status({ session: 'a' }), maxMissedBeats: 5 };
    expect(m.learn(s)).toBe(true);
    expect(m.of('worker')).toBe(5);
    expect(m.learn(status({ session: 'b', agentType: 'x' }))).toBe(false);
  });

  it('remembers a bounded number of agent types', () => {
    const m = new MaxMissedBeats(2);
    for (const agentType of ['a', 'b', 'c']) {
      m.learn(transition({ session: 's', agentType, kind: 'timeout', missedBeats: 2 }));
    }
    expect(m.of('a')).toBe(2);
    expect(m.of('c')).toBeUndefined();
  });
});
