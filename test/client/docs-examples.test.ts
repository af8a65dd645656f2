import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, type Transition } from '../../client/index.js';
import {
  agentToken,
  cleanupAfterEach,
  dashboardToken,
  startGateway,
  type TestGateway,
} from './gateway-harness.js';

/*
 * docs/sdk.md shows the files of docs/examples/ verbatim, and this test runs them as a
 * user would (`node docs/examples/x.mjs`, importing `pulsegate/client` from the built
 * package), so the docs cannot go stale. The browser example runs in test/browser/.
 */
const run = promisify(execFile);
const ROOT = process.cwd();
const EXAMPLES = join(ROOT, 'docs', 'examples');

/** The ESLint directive the .mjs examples carry is left out of the docs. */
const shown = (text: string) => text.replace(/^\/\* global [^*]*\*\/\n/, '');

const cleanup = cleanupAfterEach();

async function gateway(): Promise<{ g: TestGateway; seen: Transition[] }> {
  const g = await startGateway({
    config: { timeoutMs: 60_000, checkIntervalMs: 5_000, maxMissedBeats: 3 },
  });
  cleanup.push(() => g.close());
  const seen: Transition[] = [];
  cleanup.push(g.gateway.events.subscribe((t) => seen.push(t)));
  return { g, seen };
}

function runExample(name: string, env: Record<string, string>, args: string[] = []) {
  return run(process.execPath, [join(EXAMPLES, name), ...args], {
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'client', 'index.js'))) {
    throw new Error('the examples import the built package: run `npm run build` first');
  }
});

describe('docs/sdk.md', () => {
  it('shows every example file verbatim, and every code block is an example file', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'sdk.md'), 'utf8');
    const blocks = [...doc.matchAll(/<!-- example: (\S+) -->\n+```\w*\n([\s\S]*?)```\n/g)];
    // Every fenced block is one of them: two fence lines per block.
    expect((doc.match(/^```/gm) ?? []).length).toBe(2 * blocks.length);
    expect(blocks.map((b) => b[1]).sort()).toEqual([
      'browser-agent.html',
      'dashboard.mjs',
      'node-agent.mjs',
    ]);
    for (const [, file, code] of blocks) {
      expect(code).toBe(shown(await readFile(join(EXAMPLES, file ?? ''), 'utf8')));
    }
  });
});

describe('docs/examples', () => {
  it('node-agent.mjs connects, reports, pauses, resumes and says bye', async () => {
    const { g, seen } = await gateway();
    const token = await agentToken('docs-agent');
    const { stdout } = await runExample('node-agent.mjs', {
      PULSEGATE_URL: g.wsUrl,
      PULSEGATE_TOKEN: token,
    });
    expect(stdout).toBe('connected as docs-agent, beating every 20000 ms\nclosed\n');
    expect(seen.map((t) => [t.kind, t.by])).toEqual([
      ['registered', undefined],
      ['paused', 'agent'],
      ['resumed', 'agent'],
      ['unregistered', 'agent'],
    ]);
    expect(seen[3]?.status).toBe('step 2');
  });

  it('dashboard.mjs lists the sessions and pauses and resumes one', async () => {
    const { g, seen } = await gateway();
    const agent = new AgentClient({
      url: g.wsUrl,
      token: await agentToken('worker-7', { agentType: 'coder' }),
    });
    cleanup.push(() => agent.close());
    const heard: string[] = [];
    agent.on('paused', ({ by, reason }) => heard.push(`paused ${by} ${reason}`));
    agent.on('resumed', ({ by }) => heard.push(`resumed ${by}`));
    await agent.connect();
    const env = { PULSEGATE_URL: g.httpUrl, PULSEGATE_TOKEN: await dashboardToken() };
    const { stdout } = await runExample('dashboard.mjs', env, ['worker-7']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^worker-7 \(coder\) healthy, last beat \d{4}-\d\d-\d\dT/);
    expect(lines).toContain('paused worker-7: paused');
    expect(lines).toContain('worker-7: paused -> paused');
    expect(seen.map((t) => [t.kind, t.by])).toEqual([
      ['registered', undefined],
      ['paused', 'dashboard'],
      ['resumed', 'dashboard'],
    ]);
    await expect.poll(() => heard).toEqual(['paused dashboard maintenance', 'resumed dashboard']);

    const refused = await runExample('dashboard.mjs', env, ['nobody']);
    expect(refused.stderr).toBe('refused: not_found\n');
    const reader = { ...env, PULSEGATE_TOKEN: await dashboardToken('sessions:read') };
    expect((await runExample('dashboard.mjs', reader, ['worker-7'])).stderr).toBe(
      'refused: forbidden\n',
    );
  });
});
