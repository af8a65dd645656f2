import { describe, expect, test } from 'vitest';
import type { MonitorErrorContext } from '../../server/monitor/options.js';
import { harness } from './harness.js';

const policy = { timeoutMs: 100, checkIntervalMs: 10, maxMissedBeats: 2 };

describe('handler isolation', () => {
  test('throwing and rejecting handlers are reported; the monitor carries on and removes timed-out sessions', async () => {
    const errors: Array<[string, string, string]> = [];
    const seen: string[] = [];
    const h = harness({
      policy,
      onError: (error, ctx: MonitorErrorContext) =>
        errors.push([ctx.source, ctx.transition.kind, (error as Error).message]),
      onWarning: async (id, k) => {
        seen.push(`warning ${id} ${k}`);
        throw new Error('warning hook rejected');
      },
      onTimeout: (id, agentType) => {
        seen.push(`timeout ${id} ${agentType}`);
        throw new Error('timeout hook threw');
      },
    });
    h.monitor.subscribe((t) => {
      if (t.kind === 'registered') throw new Error('listener threw');
    });
    const after: string[] = [];
    h.monitor.subscribe((t) => after.push(t.kind));
    h.monitor.register('a', 'planner');
    h.at(1);
    h.monitor.register('b', 'planner');
    h.at(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['warning a 1', 'warning b 1', 'timeout a planner', 'timeout b planner']);
    expect(after).toEqual(['registered', 'registered', 'warning', 'warning', 'timeout', 'timeout']);
    expect(errors).toEqual([
      ['listener', 'registered', 'listener threw'],
      ['listener', 'registered', 'listener threw'],
      ['onTimeout', 'timeout', 'timeout hook threw'],
      ['onTimeout', 'timeout', 'timeout hook threw'],
      ['onWarning', 'warning', 'warning hook rejected'],
      ['onWarning', 'warning', 'warning hook rejected'],
    ]);
    expect(h.monitor.registeredCount).toBe(0);
  });

  test('a failing error reporter does not stop delivery', () => {
    const h = harness({
      policy,
      onError: () => {
        throw new Error('reporter down');
      },
    });
    h.monitor.subscribe(() => {
      throw new Error('x');
    });
    h.monitor.register('a', 'x');
    h.at(200);
    expect(h.take()).toHaveLength(3);
  });

  test('a listener that calls back in sees its transitions queued in one global order', () => {
    const h = harness({ policy });
    const order: string[] = [];
    h.monitor.subscribe((t) => {
      order.push(`first ${t.kind}`);
      if (t.kind === 'warning') h.monitor.beat(t.session);
    });
    h.monitor.subscribe((t) => order.push(`second ${t.kind}`));
    h.monitor.register('a', 'x');
    h.at(100);
    expect(order).toEqual([
      'first registered',
      'second registered',
      'first warning',
      'second warning',
      'first recovered',
      'second recovered',
    ]);
  });

  test('unsubscribe stops delivery; stop and start hold and resume the deadlines', () => {
    const h = harness({ policy });
    const seen: string[] = [];
    const off = h.monitor.subscribe((t) => seen.push(t.kind));
    h.monitor.register('a', 'x');
    off();
    h.monitor.stop();
    h.at(500);
    expect(seen).toEqual(['registered']);
    expect(h.take()).toEqual(['registered@0 a healthy 0']);
    h.monitor.start();
    h.scheduler.advance(0);
    expect(h.take()).toEqual(['warning@100 a warning 1', 'timeout@110 a timed_out 2']);
  });

  test('a listener that stops the monitor stops the wake-up it runs in', () => {
    const h = harness({ policy });
    h.monitor.register('a', 'x');
    h.monitor.register('b', 'x');
    h.monitor.subscribe((t) => {
      if (t.kind === 'warning') h.monitor.stop();
    });
    h.at(1_000); // both are due at 100, in one wake-up: the first warning stops it
    const first = h.take().slice(2);
    expect(first).toHaveLength(1);
    h.monitor.start();
    h.scheduler.advance(0);
    const second = h.take();
    expect(second).toHaveLength(1);
    expect([...first, ...second].sort()).toEqual([
      'warning@100 a warning 1',
      'warning@100 b warning 1',
    ]);
  });

  test('many sessions due at once are handled in chunks of maxDuePerWake, all at their time', () => {
    const h = harness({ policy, maxDuePerWake: 3 });
    for (let i = 0; i < 10; i++) h.monitor.register(`s${i}`, 'x');
    h.at(100);
    expect(h.take().filter((l) => l.startsWith('warning@100'))).toHaveLength(10);
  });
});
