import { describe, expect, it } from 'vitest';
import { AgentIntent } from '../../client/agent/intent.js';
import { Deferred } from '../../client/deferred.js';

describe('AgentIntent', () => {
  it('replays the agent own pause and last status after a reconnect', () => {
    const intent = new AgentIntent();
    expect(intent.replay()).toEqual([]);
    expect(intent.status('step 1')).toEqual({ type: 'beat', status: 'step 1' });
    expect(intent.pause('input')).toEqual({ type: 'pause', reason: 'input' });
    expect(intent.replay()).toEqual([
      { type: 'pause', reason: 'input' },
      { type: 'beat', status: 'step 1' },
    ]);
    expect(intent.resume()).toEqual({ type: 'resume' });
    expect(intent.replay()).toEqual([{ type: 'beat', status: 'step 1' }]);
    intent.pause(undefined);
    intent.resumedByOthers();
    expect(intent.replay()).toEqual([{ type: 'beat', status: 'step 1' }]);
  });

  it('refuses text over 256 chars with `invalid`', () => {
    const intent = new AgentIntent();
    expect(() => intent.status('x'.repeat(257))).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
    expect(() => intent.pause('x'.repeat(257))).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
    expect(intent.replay()).toEqual([]);
  });
});

describe('Deferred', () => {
  it('settles once, and an unobserved rejection is not reported', async () => {
    const d = new Deferred<number>();
    d.resolve(1);
    d.reject(new Error('late'));
    d.resolve(2);
    expect(d.settled).toBe(true);
    expect(await d.promise).toBe(1);
    new Deferred<number>().reject(new Error('nobody listens'));
  });
});
