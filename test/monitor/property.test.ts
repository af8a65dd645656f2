import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Actor, Policy, SessionStatus } from '../../shared/session.js';
import type { MonitorTransition } from '../../server/monitor/types.js';
import { harness, T0 } from './harness.js';
import { ReferenceModel } from './model.js';

// Few keys, so that operations meet the same session often; a second tenant reuses the ids.
const ids = fc.constantFrom('a', 'b');
const tenants = fc.oneof({ arbitrary: fc.constant('default'), weight: 4 }, fc.constant('t2'));
const types = fc.constantFrom('fast', 'slow');
const actors = fc.constantFrom<Actor>('agent', 'dashboard', 'api', 'gateway');
const text = fc.option(
  fc.oneof(
    fc.constantFrom('x', 'y'),
    fc.constant('z'.repeat(300)),
    fc.constant('\u{1F600}'.repeat(300)),
  ),
  {
    nil: undefined,
  },
);

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const op = fc.oneof(
  w(
    2,
    fc.record({
      op: fc.constant('register' as const),
      id: ids,
      tenant: tenants,
      type: types,
      text,
    }),
  ),
  w(2, fc.record({ op: fc.constant('connect' as const), id: ids, tenant: tenants, type: types })),
  w(2, fc.record({ op: fc.constant('disconnect' as const), id: ids, tenant: tenants })),
  w(3, fc.record({ op: fc.constant('beat' as const), id: ids, tenant: tenants, text })),
  w(
    3,
    fc.record({ op: fc.constant('pause' as const), id: ids, tenant: tenants, by: actors, text }),
  ),
  w(2, fc.record({ op: fc.constant('resume' as const), id: ids, tenant: tenants, by: actors })),
  w(
    1,
    fc.record({
      op: fc.constant('unregister' as const),
      id: ids,
      tenant: tenants,
      by: fc.option(actors, { nil: undefined }),
    }),
  ),
  w(2, fc.record({ op: fc.constant('advance' as const), ms: fc.nat(25) })),
  w(3, fc.record({ op: fc.constant('advance' as const), ms: fc.nat(6) })),
);

const policy = fc.record({
  timeoutMs: fc.integer({ min: 1, max: 15 }),
  // Long warnings, so that pauses and beats often land inside them.
  checkIntervalMs: fc.integer({ min: 1, max: 30 }),
  maxMissedBeats: fc.integer({ min: 1, max: 4 }),
});

/** Ties between sessions at one instant come in no set order; each session's order holds. */
function canonical(ts: readonly MonitorTransition[]): MonitorTransition[] {
  const key = (t: MonitorTransition) => `${t.tenant}\u0000${t.session}`;
  return [...ts].sort((x, y) => x.at - y.at || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

function byKey(list: SessionStatus[]): SessionStatus[] {
  return [...list].sort((x, y) =>
    `${x.tenant}/${x.session}` < `${y.tenant}/${y.session}` ? -1 : 1,
  );
}

describe('the monitor against a reference model', () => {
  test('identical transitions, statuses, results and counts over random histories', () => {
    fc.assert(
      fc.property(
        policy,
        policy,
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
        fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }),
        (fast, slow, maxPauseMs, ops) => {
          const policies: Record<string, Policy> = { fast, slow };
          const h = harness({ policies, maxPauseMs });
          const model = new ReferenceModel(T0, (t) => policies[t] as Policy, maxPauseMs);
          for (const o of ops) {
            const m = h.monitor;
            let got: unknown;
            let want: unknown;
            switch (o.op) {
              case 'register':
                got = m.register(o.id, o.type, { tenant: o.tenant, status: o.text });
                want = model.register(o.id, o.tenant, o.type, o.text);
                break;
              case 'connect':
                got = m.connect(o.id, o.type, { tenant: o.tenant });
                want = { resumed: model.connect(o.id, o.tenant, o.type), policy: policies[o.type] };
                break;
              case 'disconnect':
                got = m.disconnect(o.id, { tenant: o.tenant });
                want = model.disconnect(o.id, o.tenant);
                break;
              case 'beat':
                got = m.beat(o.id, { tenant: o.tenant, status: o.text });
                want = model.beat(o.id, o.tenant, o.text);
                break;
              case 'pause':
                got = m.pause(o.id, { tenant: o.tenant, by: o.by, reason: o.text });
                want = model.pause(o.id, o.tenant, o.by, o.text);
                break;
              case 'resume':
                got = m.resume(o.id, { tenant: o.tenant, by: o.by });
                want = model.resume(o.id, o.tenant, o.by);
                break;
              case 'unregister':
                got = m.unregister(o.id, { tenant: o.tenant, by: o.by });
                want = model.unregister(o.id, o.tenant, o.by);
                break;
              case 'advance':
                h.scheduler.advance(o.ms);
                model.advanceTo(model.now + o.ms);
                break;
            }
            const statuses = model.statuses();
            const count = (state: string) => statuses.filter((s) => s.state === state).length;
            const actual = {
              result: got,
              transitions: canonical(h.transitions),
              statuses: byKey(m.listStatus()),
              counts: m.countByState(),
              healthy: m.healthyCount,
              registered: m.registeredCount,
            };
            const expected = {
              result: want,
              transitions: canonical(model.out),
              statuses: byKey(statuses),
              counts: {
                healthy: count('healthy'),
                warning: count('warning'),
                paused: count('paused'),
              },
              healthy: statuses.filter((s) => s.healthy).length,
              registered: statuses.length,
            };
            // Strings first: toEqual is slow, and it is only needed to show a difference.
            if (JSON.stringify(actual) !== JSON.stringify(expected)) {
              expect({ op: o, ...actual }).toEqual({ op: o, ...expected });
            }
            h.transitions.length = 0;
            model.out.length = 0;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
