import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/prng.js';
import { clusterTest } from './support/cluster-test.js';
import { type BeatingAgent, contiguous, kindsOf } from './support/fleet.js';
import {
  sleep,
  TAKEOVER_BOUND_MS,
  TIMEOUT_AFTER,
  until,
  type GatewayProcess,
} from './support/gateways.js';

const AGENTS = 12;
const RUN_MS = 8_000;
const TICK_MS = 200;

const run = clusterTest('invariants');

describe('invariants over a randomised run', () => {
  it('stopped sessions time out exactly once, beating ones never, and nothing is lost', async () => {
    const seed = Number(process.env.CLUSTER_SEED ?? Date.now() % 1_000_000);
    const rand = mulberry32(seed);
    const { nodes } = await run.gateways(['a', 'b', 'c']);
    const [watcher, ...others] = nodes as [GatewayProcess, GatewayProcess, GatewayProcess];
    const alive = new Set<GatewayProcess>(nodes);
    const pick = (): GatewayProcess => {
      const live = [...alive];
      return live[Math.floor(rand() * live.length)] ?? watcher;
    };
    const { dash, seen } = await run.watch(watcher);
    const fleet = new Map<string, BeatingAgent>();
    const paused = new Set<string>();
    for (let i = 0; i < AGENTS; i++) {
      const agent = await run.agent(`r${i}`, pick());
      agent.moveTo = () => (agent.beating ? pick().ws : undefined);
      fleet.set(agent.session, agent);
    }
    const stopped = new Set<string>();
    const victim = others[Math.floor(rand() * others.length)] ?? others[0]!;
    const started = Date.now();
    let killed = false;
    while (Date.now() - started < RUN_MS) {
      await sleep(TICK_MS);
      if (!killed && Date.now() - started > RUN_MS / 3) {
        killed = true;
        alive.delete(victim);
        await victim.kill9();
        continue;
      }
      const live = [...fleet.values()].filter((a) => a.beating);
      const agent = live[Math.floor(rand() * live.length)];
      if (agent === undefined) break;
      const r = rand();
      if (r < 0.12 && stopped.size < AGENTS / 2) {
        // Stops for good: no more beats, and its socket goes (a crashed agent).
        agent.stop();
        agent.close();
        stopped.add(agent.session);
      } else if (r < 0.3 && !paused.has(agent.session)) {
        agent.send({ type: 'pause', reason: 'waiting' });
        paused.add(agent.session);
      } else if (r < 0.45 && paused.has(agent.session)) {
        agent.send({ type: 'resume' });
        paused.delete(agent.session);
      }
    }
    const endedAt = Date.now();
    await until(
      () => [...stopped].every((s) => kindsOf(seen, s).includes('timeout')),
      TIMEOUT_AFTER + TAKEOVER_BOUND_MS + 2_000,
      `timeouts of ${[...stopped].join(',')} (seed ${seed})`,
    );
    // Time for any wrong timeout to show up, past the takeover bound of the killed node.
    await sleep(Math.max(0, endedAt + TIMEOUT_AFTER + 1_000 - Date.now()));
    const context = `seed ${seed}, stopped ${[...stopped].join(',')}, killed ${victim.name}`;
    expect(contiguous(seen), context).toBe(true);
    for (const [session, agent] of fleet) {
      const timeouts = kindsOf(seen, session).filter((k) => k === 'timeout').length;
      expect(timeouts, `${session}: ${kindsOf(seen, session).join(' ')} (${context})`).toBe(
        stopped.has(session) ? 1 : 0,
      );
      if (stopped.has(session)) {
        const after = kindsOf(seen, session).slice(kindsOf(seen, session).indexOf('timeout') + 1);
        expect(after, `${session} after its timeout (${context})`).toEqual([]);
      } else {
        expect(
          agent.closes.filter((c) => c === 4010 || c === 4009),
          context,
        ).toEqual([]);
      }
    }
    // Every live session is listed by the watcher as it is.
    const list = await dash.command('list', {});
    const live = (list['sessions'] as { session: string }[]).map((s) => s.session).sort();
    expect(live, context).toEqual([...fleet.keys()].filter((s) => !stopped.has(s)).sort());
  });
});
