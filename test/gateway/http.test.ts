import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken, type MintOptions } from '../../server/auth/mint.js';
import {
  agentToken,
  bearer,
  dashboardToken,
  SECRET,
  startGateway,
  type TestGateway,
} from './harness.js';

let gw: TestGateway | undefined;
const tempDirs: string[] = [];
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temp dir, removed after the test. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startGateway>[0] = {}): Promise<TestGateway> {
  gw = await startGateway(options);
  return gw;
}

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const headers: Record<string, string> = token === undefined ? {} : bearer(token);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${gw?.base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text === '' ? undefined : JSON.parse(text),
    headers: res.headers,
  };
}

function errorCode(json: unknown): unknown {
  return (json as { error?: { code?: unknown } }).error?.code;
}

describe('probes, metrics and pages', () => {
  it('answers /healthz, /readyz and HEAD', async () => {
    await start();
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect((await fetch(`${gw?.base}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('is not ready while the store is unreachable', async () => {
    let up = false;
    await start({ storeReady: () => up });
    const res = await call('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(errorCode(res.json)).toBe('unavailable');
    up = true;
    expect((await call('GET', '/readyz')).status).toBe(200);
  });

  it('serves Prometheus metrics that follow the sessions', async () => {
    await start();
    await call('POST', '/v1/sessions/m1/beat', await agentToken('m1'));
    await call('POST', '/v1/sessions/m1/beat', await agentToken('m1'));
    const res = await fetch(`${gw?.base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'pulsegate_sessions{state="healthy"} 1',
      'pulsegate_transitions_total{kind="registered"} 1',
      'pulsegate_connections{kind="agent"} 0',
      'pulsegate_beats_total{via="http"} 2',
      'pulsegate_event_loop_lag_seconds',
      'process_cpu_user_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('serves the page at / and SDK bundles with their content type', async () => {
    const sdkDir = tempDir('pg-sdk-');
    writeFileSync(join(sdkDir, 'pulsegate.js'), 'export const x = 1;\n');
    writeFileSync(join(sdkDir, 'pulsegate.js.map'), '{}');
    await start({ sdkDir, pageDir: join(sdkDir, 'none') });
    const page = await fetch(`${gw?.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const js = await fetch(`${gw?.base}/sdk/pulsegate.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export const x = 1;\n');
    const map = await fetch(`${gw?.base}/sdk/pulsegate.js.map`);
    expect(map.headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${gw?.base}/sdk/missing.js`)).status).toBe(404);
    expect((await fetch(`${gw?.base}/sdk/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${gw?.base}/sdk/.hidden.js`)).status).toBe(404);
  });

  it('serves a built page and its assets from the page directory', async () => {
    const pageDir = tempDir('pg-page-');
    writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>real page</title>');
    writeFileSync(join(pageDir, 'app.css'), 'body{}');
    await start({ pageDir });
    expect(await (await fetch(`${gw?.base}/`)).text()).toContain('real page');
    const css = await fetch(`${gw?.base}/app.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${gw?.base}/other.css`)).status).toBe(404);
  });

  it('answers 404 for unknown routes and 405 with Allow for wrong methods', async () => {
    await start();
    const unknown = await call('GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown.json)).toBe('not_found');
    expect((await call('GET', '/v1/sessions/s1/nope')).status).toBe(404);
    const wrong = await call('POST', '/v1/sessions');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    const del = await call('PUT', '/v1/sessions/s1');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, DELETE, HEAD');
    expect((await call('GET', '/v1/sessions/s1/beat')).headers.get('allow')).toBe('POST');
  });
});

/** A valid reader's token; each row of REFUSED spoils it in one way. */
const READER: MintOptions = { secret: SECRET, sub: 'a', scope: 'sessions:read', ttlSeconds: 60 };
const AN_HOUR_AGO = Date.now() - 3_600_000;

/**
 * Tokens the HTTP routes refuse, each with what is wrong with it: 401 for an invalid token,
 * 403 for a valid one without the scope.
 */
const REFUSED: readonly [what: string, route: string, status: 401 | 403, Partial<MintOptions>][] = [
  ['another key', 'GET /v1/sessions', 401, { secret: 'x'.repeat(40) }],
  ['expired', 'GET /v1/sessions', 401, { ttlSeconds: 1, now: AN_HOUR_AGO }],
  ['no scope', 'GET /v1/sessions', 403, { scope: '' }],
  ['bad sub', 'POST /v1/sessions/x/beat', 401, { sub: 'bad id!', scope: 'agent', agentType: 't' }],
  ['agent, no agent_type', 'POST /v1/sessions/s1/beat', 401, { sub: 's1', scope: 'agent' }],
  // A malformed agent_type is invalid on any route, whatever the scope (contract section 2).
  ['bad agent_type', 'GET /v1/sessions', 401, { agentType: 'bad type!' }],
  ['bad sub, no scope', 'GET /v1/sessions/x', 401, { sub: 'bad id!', scope: '', agentType: 't' }],
];

describe('/v1/sessions auth', () => {
  it('needs a valid bearer token (401) with the right scope (403)', async () => {
    await start();
    const none = await call('GET', '/v1/sessions');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(errorCode(none.json)).toBe('unauthorized');
    expect((await call('GET', '/v1/sessions', 'garbage')).status).toBe(401);
    const agent = await call('GET', '/v1/sessions', await agentToken('s1'));
    expect(agent.status).toBe(403);
    expect(errorCode(agent.json)).toBe('forbidden');
    for (const [what, route, status, claims] of REFUSED) {
      const [method, path] = route.split(' ') as [string, string];
      const token = await mintToken({ ...READER, ...claims });
      expect((await call(method, path, token)).status, `${what}: ${route}`).toBe(status);
    }
  });
});

describe('/v1/sessions routes', () => {
  it('registers on an HTTP beat and reports SessionStatus', async () => {
    await start();
    const token = await agentToken('worker-1', 'planner');
    const first = await call('POST', '/v1/sessions/worker-1/beat', token, { status: 'planning' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      session: 'worker-1',
      agentType: 'planner',
      tenant: 'default',
      state: 'healthy',
      connected: false,
      paused: false,
      healthy: true,
      missedBeats: 0,
      status: 'planning',
    });
    const status = first.json as { lastBeat: string; registeredAt: string; msSinceBeat: number };
    expect(status.lastBeat).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(status.registeredAt).toMatch(/Z$/);
    expect(typeof status.msSinceBeat).toBe('number');
    expect((await call('POST', '/v1/sessions/worker-1/beat', token)).status).toBe(200);
    const list = await call('GET', '/v1/sessions', await dashboardToken('sessions:read'));
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ registered: 1, healthy: 1 });
    expect((list.json as { sessions: unknown[] }).sessions).toHaveLength(1);
  });

  it('lets an agent use its own session only', async () => {
    await start();
    const mine = await agentToken('a1');
    await call('POST', '/v1/sessions/a1/beat', mine);
    expect((await call('GET', '/v1/sessions/a1', mine)).status).toBe(200);
    await call('POST', '/v1/sessions/a2/beat', await agentToken('a2'));
    for (const [method, path] of [
      ['GET', '/v1/sessions/a2'],
      ['POST', '/v1/sessions/a2/beat'],
      ['POST', '/v1/sessions/a2/pause'],
      ['POST', '/v1/sessions/a2/resume'],
      ['DELETE', '/v1/sessions/a2'],
    ] as const) {
      expect((await call(method, path, mine)).status).toBe(403);
    }
    const dash = await call(
      'POST',
      '/v1/sessions/a1/beat',
      await dashboardToken('sessions:read sessions:control'),
    );
    expect(dash.status).toBe(403);
  });

  it('refuses bad bodies with 400', async () => {
    await start();
    const token = await agentToken('b1');
    expect((await call('POST', '/v1/sessions/b1/beat', token, '{not json')).status).toBe(400);
    expect((await call('POST', '/v1/sessions/b1/beat', token, { extra: 1 })).status).toBe(400);
    expect(
      (await call('POST', '/v1/sessions/b1/beat', token, { status: 'x'.repeat(257) })).status,
    ).toBe(400);
    expect((await call('POST', '/v1/sessions/b1/beat', token, [1])).status).toBe(400);
    expect((await call('POST', '/v1/sessions/b1/beat', token, '{"__proto__":{}}')).status).toBe(
      400,
    );
    await call('POST', '/v1/sessions/b1/beat', token);
    const control = await dashboardToken('sessions:read sessions:control');
    const bad = await call('POST', '/v1/sessions/b1/pause', control, { reason: 42 });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.json)).toBe('invalid');
  });

  it('pauses, resumes and unregisters by api', async () => {
    await start();
    await call('POST', '/v1/sessions/p1/beat', await agentToken('p1'));
    const read = await dashboardToken('sessions:read');
    const control = await dashboardToken('sessions:read sessions:control');
    expect((await call('POST', '/v1/sessions/p1/pause', read)).status).toBe(403);
    const paused = await call('POST', '/v1/sessions/p1/pause', control, { reason: 'maintenance' });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({
      state: 'paused',
      paused: true,
      pausedBy: 'api',
      pauseReason: 'maintenance',
    });
    const resumed = await call('POST', '/v1/sessions/p1/resume', control);
    expect(resumed.json).toMatchObject({ state: 'healthy', paused: false });
    expect((await call('POST', '/v1/sessions/p1/resume', control)).status).toBe(200);
    const byAgent = await call('POST', '/v1/sessions/p1/pause', await agentToken('p1'));
    expect(byAgent.json).toMatchObject({ paused: true, pausedBy: 'api' });
    expect((await call('POST', '/v1/sessions/nope/pause', control)).status).toBe(404);
    expect((await call('POST', '/v1/sessions/nope/resume', control)).status).toBe(404);
    expect((await call('DELETE', '/v1/sessions/nope', control)).status).toBe(404);
    expect((await call('DELETE', '/v1/sessions/p1', read)).status).toBe(403);
    const gone = await call('DELETE', '/v1/sessions/p1', control);
    expect(gone.status).toBe(204);
    expect(gone.json).toBeUndefined();
    expect((await call('GET', '/v1/sessions/p1', read)).status).toBe(404);
    await call('POST', '/v1/sessions/p2/beat', await agentToken('p2'));
    expect((await call('DELETE', '/v1/sessions/p2', await agentToken('p2'))).status).toBe(204);
  });

  it('isolates tenants: another tenant sees 404 and an empty list', async () => {
    await start();
    await call('POST', '/v1/sessions/shared/beat', await agentToken('shared', 'planner', 'acme'));
    const other = await dashboardToken('sessions:read sessions:control', 'globex');
    expect((await call('GET', '/v1/sessions/shared', other)).status).toBe(404);
    expect((await call('POST', '/v1/sessions/shared/pause', other)).status).toBe(404);
    expect((await call('POST', '/v1/sessions/shared/resume', other)).status).toBe(404);
    expect((await call('DELETE', '/v1/sessions/shared', other)).status).toBe(404);
    expect((await call('GET', '/v1/sessions', other)).json).toEqual({
      sessions: [],
      registered: 0,
      healthy: 0,
    });
    const acme = await dashboardToken('sessions:read', 'acme');
    expect((await call('GET', '/v1/sessions/shared', acme)).json).toMatchObject({
      tenant: 'acme',
      state: 'healthy',
    });
    // The same id in another tenant is another session.
    await call('POST', '/v1/sessions/shared/beat', await agentToken('shared', 'coder', 'globex'));
    expect((await call('GET', '/v1/sessions/shared', other)).json).toMatchObject({
      tenant: 'globex',
      agentType: 'coder',
    });
    expect((await call('GET', '/v1/sessions/shared', acme)).json).toMatchObject({
      agentType: 'planner',
    });
    // An agent token of one tenant does not reach the same id in another.
    const acmeAgent = await agentToken('shared', 'planner', 'acme');
    await call('DELETE', '/v1/sessions/shared', acmeAgent);
    expect((await call('GET', '/v1/sessions/shared', other)).status).toBe(200);
  });

  it('refuses bodies over 16 KiB with 413 before reading them', async () => {
    await start();
    const token = await agentToken('big');
    const declared = await call(
      'POST',
      '/v1/sessions/big/beat',
      token,
      JSON.stringify({ status: 'x'.repeat(17 * 1024) }),
    );
    expect(declared.status).toBe(413);
    expect(errorCode(declared.json)).toBe('too_large');
    // Chunked: no length declared, counted while it arrives.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${gw?.base}/v1/sessions/big/beat`,
        { method: 'POST', headers: bearer(token) },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i += 1) req.write('x'.repeat(1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'too_large' } });
    expect(
      (await call('GET', '/v1/sessions/big', await dashboardToken('sessions:read'))).status,
    ).toBe(404);
  });

  it('rate limits a caller with 429', async () => {
    await start({ limits: { httpRateBurst: 3, httpRatePerSecond: 1 } });
    const token = await dashboardToken('sessions:read');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call('GET', '/v1/sessions', token)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses[4]).toBe(429);
    // Another caller has its own bucket.
    expect(
      (await call('GET', '/v1/sessions', await dashboardToken('sessions:read', undefined, 'bob')))
        .status,
    ).toBe(200);
  });
});

describe('cross-origin API calls', () => {
  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(`${gw?.base}${path}`, { method, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject).end();
    });
  }

  it('refuses origins outside PULSEGATE_ALLOWED_ORIGINS and answers CORS for the others', async () => {
    await start({ config: { allowedOrigins: ['https://ops.example.com'] } });
    const token = bearer(await dashboardToken('sessions:read'));
    const evil = await raw('GET', '/v1/sessions', { ...token, origin: 'https://evil.example.com' });
    expect(evil.status).toBe(403);
    const ok = await raw('GET', '/v1/sessions', { ...token, origin: 'https://ops.example.com' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://ops.example.com');
    const preflight = await raw('OPTIONS', '/v1/sessions/s1/pause', {
      origin: 'https://ops.example.com',
      'access-control-request-method': 'POST',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    expect(
      (await raw('OPTIONS', '/v1/sessions', { origin: 'https://evil.example.com' })).status,
    ).toBe(403);
    expect((await raw('GET', '/v1/sessions', token)).status).toBe(200);
  });
});

describe('header limits', () => {
  it('refuses a header block over 16 KiB with 431', async () => {
    await start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${gw?.base}/healthz`,
        { headers: { 'x-big': 'x'.repeat(20 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject).end();
    });
    expect(status).toBe(431);
  });
});
