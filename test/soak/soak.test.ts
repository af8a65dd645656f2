/**
 * The soak in CI: `runSoak` for SOAK_SECONDS (60 unless set; `npm run soak` runs it for
 * 600 by hand) with 5,000 agents and 20 dashboards, against the built gateway.
 */
import { expect, it } from 'vitest';
import { formatReport, runSoak } from '../../soak/run.js';

const seconds = Number(process.env['SOAK_SECONDS'] ?? 60);
/** SOAK_AGENTS scales the fleet down on a loaded machine; the soak itself is 5,000. */
const agents = Number(process.env['SOAK_AGENTS'] ?? 5_000);

it(
  `soak: ${agents} agents and 20 dashboards for ${seconds} s`,
  { timeout: (seconds + 300) * 1000 },
  async () => {
    const report = await runSoak({ seconds, agents, log: (line) => console.log(line) });
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.expectedTransitions).toBeGreaterThan(agents);
  },
);
