/**
 * The driver of the hostile catalogue: each case runs against its gateway (in process on
 * 127.0.0.1 port 0), its outcome is compared with the contract's, and afterwards a new
 * agent and a new dashboard must still work and the gateway must have logged no error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Group } from './case.js';
import { CATALOGUE } from './catalogue.js';
import { probe } from './support/probe.js';
import { Targets } from './support/targets.js';

const targets = new Targets();
afterAll(() => targets.closeAll(), 30_000);

describe('hostile catalogue', () => {
  it('holds at least 80 cases, each named once', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(80);
    const names = CATALOGUE.map((c) => `${c.group}: ${c.name}`);
    expect(new Set(names).size).toBe(names.length);
    const groups = new Set<Group>(CATALOGUE.map((c) => c.group));
    expect([...groups].sort()).toEqual(
      ['agent', 'dashboard', 'frames', 'handshake', 'lifecycle', 'tokens'].sort(),
    );
  });

  for (const c of CATALOGUE) {
    it(`${c.group}: ${c.name}`, { timeout: c.timeoutMs ?? 20_000 }, async () => {
      const { target, extras } = await targets.get(c.target ?? 'main');
      const outcome = await c.act({ port: target.port, gateway: target.gateway, extras });
      expect(outcome).toMatchObject(c.expected);
      await probe(target);
      expect(target.errors).toEqual([]);
    });
  }
});
