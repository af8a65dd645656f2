import { describe, expect, test } from 'vitest';
import { PulsegateError } from '../../shared/errors.js';
import { HeartbeatMonitor } from '../../server/monitor/monitor.js';
import type { MonitorOptions } from '../../server/monitor/options.js';
import {
  DEFAULT_POLICY,
  advisedBeatInterval,
  normalizePolicy,
} from '../../server/monitor/policy.js';

function refusal(options: unknown): string {
  try {
    new HeartbeatMonitor(options as MonitorOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(PulsegateError);
    expect((error as PulsegateError).code).toBe('invalid');
    return (error as PulsegateError).message;
  }
  throw new Error('accepted');
}

describe('configuration', () => {
  test.each([
    [{ policy: { timeoutMs: 0 } }, 'timeoutMs must be a positive integer'],
    [{ policy: { timeoutMs: Number.NaN } }, 'timeoutMs must be a positive integer'],
    [{ policy: { checkIntervalMs: -5 } }, 'checkIntervalMs must be a positive integer'],
    [{ policy: { maxMissedBeats: 1.5 } }, 'maxMissedBeats must be a positive integer'],
    [{ policy: { timeoutMs: 2 ** 60 } }, 'timeoutMs must be a positive integer'],
    [{ policy: { timeoutMs: '30000' } }, 'timeoutMs must be a positive integer'],
    [{ policy: { timeout: 5 } }, 'timeout is not a known setting'],
    [{ policies: { planner: { maxMissedBeats: 0 } } }, 'policies.planner.maxMissedBeats'],
    [{ policies: { planner: { extra: 1 } } }, 'policies.planner.extra is not a known setting'],
    [{ policies: { planner: 3 } }, 'policies.planner must be an object'],
    [{ maxPauseMs: -1 }, 'maxPauseMs must be a non-negative integer'],
    [{ maxPauseMs: Number.POSITIVE_INFINITY }, 'maxPauseMs must be a non-negative integer'],
    [{ maxDuePerWake: 0 }, 'maxDuePerWake must be a positive integer'],
    [{ checkInterval: 5 }, 'checkInterval is not a known setting'],
    [{ onWarning: 'log' }, 'onWarning must be a function'],
  ])('refuses %j', (options, message) => {
    expect(refusal(options)).toContain(message);
  });

  test('a policy takes the defaults for what it leaves out, per agent type', () => {
    const monitor = new HeartbeatMonitor({
      policy: { timeoutMs: 60_000 },
      policies: { planner: { maxMissedBeats: 5 } },
      maxPauseMs: 0,
    });
    expect(monitor.policyFor('other')).toEqual({ ...DEFAULT_POLICY, timeoutMs: 60_000 });
    expect(monitor.policyFor('planner')).toEqual({
      timeoutMs: 60_000,
      checkIntervalMs: 5_000,
      maxMissedBeats: 5,
    });
    expect(new HeartbeatMonitor().policyFor('x')).toEqual({
      timeoutMs: 30_000,
      checkIntervalMs: 5_000,
      maxMissedBeats: 3,
    });
  });

  test('normalizePolicy names the setting with its prefix', () => {
    expect(() => normalizePolicy({ timeoutMs: -1 }, DEFAULT_POLICY, 'policies.a')).toThrow(
      'policies.a.timeoutMs must be a positive integer',
    );
    expect(() => normalizePolicy(JSON.parse('{"__proto__": 1}'))).toThrow('__proto__');
  });

  test('the advised beat interval is a third of the timeout, at least 20 ms', () => {
    expect(advisedBeatInterval(DEFAULT_POLICY)).toBe(10_000);
    expect(advisedBeatInterval({ ...DEFAULT_POLICY, timeoutMs: 100 })).toBe(33);
    expect(advisedBeatInterval({ ...DEFAULT_POLICY, timeoutMs: 30 })).toBe(20);
  });
});
