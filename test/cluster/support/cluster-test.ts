import { afterEach } from 'vitest';
import { BeatingAgent, dashboard, type Seen } from './fleet.js';
import { killAll, startGateway, type GatewayProcess } from './gateways.js';
import { filePrefixes, REDIS_URL } from './redis.js';
import type { TestDashboard } from '../../support/dashboard-socket.js';

export interface GatewayOptions {
  /** Where the gateways find Redis (a proxy, in the outage test). */
  readonly redisUrl?: string;
}

/**
 * The frame of a test file that starts gateway processes on one Redis: its key prefixes
 * are deleted after the file, and after each test every agent and dashboard it opened
 * is closed and every gateway killed, then its own `afterKill` steps run.
 */
export function clusterTest(name: string) {
  const { prefix } = filePrefixes();
  const agents: BeatingAgent[] = [];
  const dashboards: TestDashboard[] = [];
  const afterKill: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) a.close();
    for (const d of dashboards.splice(0)) d.close();
    killAll();
    for (const step of afterKill.splice(0)) await step();
  });
  return {
    /** Starts one gateway per name, on a prefix of their own. */
    async gateways(
      names: readonly string[],
      options: GatewayOptions = {},
    ): Promise<{ prefix: string; nodes: GatewayProcess[] }> {
      const p = prefix(name);
      const url = options.redisUrl ?? REDIS_URL;
      const nodes = await Promise.all(names.map((n) => startGateway(n, url, p)));
      return { prefix: p, nodes };
    },
    /** A beating agent on `node`, closed after the test. */
    async agent(session: string, node: GatewayProcess): Promise<BeatingAgent> {
      const a = await BeatingAgent.start(session, node.ws);
      agents.push(a);
      return a;
    },
    /** A controlling dashboard on `node` recording what it sees, closed after the test. */
    async watch(
      node: GatewayProcess,
      since?: number,
    ): Promise<{ dash: TestDashboard; seen: Seen[] }> {
      const watched = await dashboard(node.base, since);
      dashboards.push(watched.dash);
      return watched;
    },
    /** Runs `step` after this test, once its gateways are dead. */
    afterKill(step: () => Promise<void> | void): void {
      afterKill.push(step);
    },
  };
}
