import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../server/auth/verifier.js';
import { agentToken, dashboardToken, SECRET } from './harness.js';
import { withSnapshot } from '../support/dashboard-socket.js';

const MAIN = resolve('dist/server/cli/main.js');

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` needs `npm run build` before it.
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
});

/** The environment of a child: ours without any PULSEGATE_ setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PULSEGATE_')) env[k] = v;
  return { ...env, ...extra };
}

interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: Record<string, unknown>[];
  readonly stdout: string[];
  exited: Promise<{ code: number | null; ms: number }>;
}

const children: ChildProcess[] = [];
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function serve(extra: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: childEnv({ PULSEGATE_PORT: '0', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const stdout: string[] = [];
  let signalledAt = 0;
  const exited = new Promise<{ code: number | null; ms: number }>((done) =>
    child.once('exit', (code) => done({ code, ms: Date.now() - signalledAt })),
  );
  const origKill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    signalledAt = Date.now();
    return origKill(signal);
  };
  return new Promise((resolveServed, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line: ${stdout.join('\n')}`)),
      15_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`exited ${code} before listening: ${stdout.join('\n')}`)),
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout.push(line);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      lines.push(parsed);
      if (parsed['msg'] === 'listening' && typeof parsed['port'] === 'number') {
        clearTimeout(timer);
        const port = parsed['port'];
        resolveServed({ child, port, lines, stdout, exited });
      }
    });
  });
}

function openAgent(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { headers });
    cleanup.push(() => ws.terminate());
    ws.once('message', () => ok(ws));
    ws.once('error', fail);
  });
}

/** A dashboard with `token`, and its first snapshot; closed after the test. */
async function openDashboard(base: string, token: string) {
  const opened = await withSnapshot<{ sessions: { session: string }[] }>(base, token);
  cleanup.push(() => void opened.socket.close());
  return opened;
}

describe('pulsegate serve as a process', () => {
  it('serves an agent and a dashboard, then on SIGTERM closes the agent with 1001 and exits 0', async () => {
    const served = await serve({ PULSEGATE_JWT_SECRET: SECRET });
    const base = `http://127.0.0.1:${served.port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const token = await agentToken('proc-1');
    const ws = await openAgent(`ws://127.0.0.1:${served.port}/v1/agent`, {
      authorization: `Bearer ${token}`,
    });
    const { socket, snapshot } = await openDashboard(base, await dashboardToken('sessions:read'));
    expect(snapshot.sessions.map((s) => s.session)).toEqual(['proc-1']);
    const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
    const dashGone = new Promise<string>((ok) => socket.once('disconnect', ok));
    served.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await dashGone).toBe('transport close');
    const { code, ms } = await served.exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(served.stdout.join('\n')).not.toContain(token.split('.')[2]);
    expect(served.lines.some((l) => l['msg'] === 'closed')).toBe(true);
  });

  it('runs in dev mode with no key: its dashboard URL and agent token work together', async () => {
    const served = await serve({});
    // The dev-mode lines follow the listening line once their tokens are minted.
    for (let i = 0; i < 100 && !served.lines.some((l) => 'agentToken' in l); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const warn = served.lines.find(
      (l) => l['level'] === 40 && String(l['msg']).includes('DEV MODE'),
    );
    expect(warn).toBeDefined();
    const url = served.lines.map((l) => l['dashboardUrl']).find((u) => typeof u === 'string');
    const agent = served.lines.map((l) => l['agentToken']).find((u) => typeof u === 'string');
    expect(typeof url).toBe('string');
    expect(typeof agent).toBe('string');
    const parsed = new URL(String(url));
    expect(parsed.port).toBe(String(served.port));
    const dashToken = parsed.hash.replace(/^#token=/, '');
    const { socket } = await openDashboard(`http://127.0.0.1:${served.port}`, dashToken);
    const registered = new Promise<{ kind: string; session: string }>((ok) =>
      socket.once('transition', ok),
    );
    await openAgent(`ws://127.0.0.1:${served.port}/v1/agent`, {
      authorization: `Bearer ${String(agent)}`,
    });
    expect(await registered).toMatchObject({ kind: 'registered' });
    served.child.kill('SIGINT');
    expect((await served.exited).code).toBe(0);
  });

  it.each([
    [{ PULSEGATE_TIMEOUT_MS: '0' }, 'PULSEGATE_TIMEOUT_MS'],
    [{ PULSEGATE_MAX_PAUSE_MS: 'soon' }, 'PULSEGATE_MAX_PAUSE_MS'],
    [{ PULSEGATE_JWT_PUBLIC_KEY: 'not a pem' }, 'PULSEGATE_JWT_PUBLIC_KEY'],
  ])('refuses to start with %j, naming the setting', (env, name) => {
    const run = spawnSync(process.execPath, [MAIN, 'serve'], {
      env: childEnv(env),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(run.stderr).toContain(name);
  });

  it('refuses a config file with an unknown key or a bad policy, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-cfg-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'pulsegate.json');
    writeFileSync(file, JSON.stringify({ timeoutMs: 1000, colour: 'blue' }));
    const unknown = spawnSync(process.execPath, [MAIN, 'serve'], {
      env: childEnv({ PULSEGATE_CONFIG: file }),
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('colour');
    writeFileSync(file, JSON.stringify({ policies: { planner: { maxMissedBeats: 0 } } }));
    const bad = spawnSync(process.execPath, [MAIN, 'serve'], {
      env: childEnv({ PULSEGATE_CONFIG: file }),
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('policies.planner.maxMissedBeats');
  });
});

describe('pulsegate token', () => {
  function token(args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, [MAIN, 'token', ...args], {
      env: childEnv(env),
      encoding: 'utf8',
    });
  }

  it('mints a token the gateway accepts', async () => {
    const run = token(
      [
        '--scope',
        'agent',
        '--sub',
        'cli-1',
        '--agent-type',
        'planner',
        '--tenant',
        'acme',
        '--ttl',
        '2h',
      ],
      {
        PULSEGATE_JWT_SECRET: SECRET,
      },
    );
    expect(run.status).toBe(0);
    const jwt = run.stdout.trim();
    const principal = await (await createTokenVerifier({ secret: SECRET })).verify(jwt);
    expect(principal).toMatchObject({ subject: 'cli-1', tenant: 'acme', agentType: 'planner' });
    expect(principal.expiresAt - Date.now()).toBeGreaterThan(7_100_000);
  });

  it('refuses without a secret, and with bad arguments', () => {
    const noSecret = token(['--scope', 'agent', '--sub', 's', '--agent-type', 't'], {});
    expect(noSecret.status).toBe(1);
    expect(noSecret.stderr).toContain('PULSEGATE_JWT_SECRET');
    expect(noSecret.stdout).toBe('');
    const env = { PULSEGATE_JWT_SECRET: SECRET };
    expect(token(['--scope', 'agent', '--sub', 's'], env).status).toBe(2);
    expect(token(['--scope', 'agent', '--sub', 'bad id!', '--agent-type', 't'], env).status).toBe(
      2,
    );
    expect(
      token(['--scope', 'agent', '--sub', 's', '--agent-type', 't', '--ttl', 'forever'], env)
        .status,
    ).toBe(2);
    expect(token(['--sub', 's'], env).status).toBe(2);
    expect(token(['--bogus', 'x'], env).status).toBe(2);
  });

  it('prints help for every command', () => {
    for (const args of [['--help'], ['serve', '--help'], ['token', '--help'], ['demo', '--help']]) {
      const run = spawnSync(process.execPath, [MAIN, ...args], {
        env: childEnv({}),
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage: pulsegate');
    }
    const unknown = spawnSync(process.execPath, [MAIN, 'nope'], {
      env: childEnv({}),
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(2);
  });
});
