/**
 * The catalogue's byte-level groups (frames, agent messages, dashboard packets, handshake)
 * against the built CLI, `pulsegate serve`, in a child process: there a crash is a dead
 * process, not a test-runner error. After each case the process must be alive and answer
 * `/healthz`; after each group a new agent and a new dashboard must work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group } from './case.js';
import { CATALOGUE } from './catalogue.js';
import { probe } from './support/probe.js';
import { startProcess, type ChildTarget } from './support/target.js';

const GROUPS: readonly Group[] = ['handshake', 'frames', 'agent', 'dashboard'];

let gw: ChildTarget;
beforeAll(async () => {
  gw = await startProcess();
});
afterAll(() => gw.close());

for (const group of GROUPS) {
  describe(`hostile catalogue against pulsegate serve: ${group}`, () => {
    const cases = CATALOGUE.filter(
      (c) => c.group === group && c.inProcessOnly !== true && (c.target ?? 'main') === 'main',
    );
    for (const c of cases) {
      it(c.name, { timeout: c.timeoutMs ?? 20_000 }, async () => {
        const outcome = await c.act({ port: gw.port, gateway: undefined, extras: {} });
        expect(outcome).toMatchObject(c.expected);
        expect(gw.alive()).toBe(true);
        const health = await fetch(`http://127.0.0.1:${gw.port}/healthz`);
        expect(health.status).toBe(200);
      });
    }
    it('still serves a new agent and a new dashboard', async () => {
      await probe(gw);
      expect(gw.output.filter((l) => l.includes('"level":50') || l.includes('"level":60'))).toEqual(
        [],
      );
    });
  });
}
