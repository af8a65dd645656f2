import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedUpgrade } from '../support/agent-socket.js';
import { refusedDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';

async function esToken(claims: Record<string, string>, sub: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(privateKey);
}

describe('a key source that cannot be reached', () => {
  let keys: Server;
  let h: Harness;
  let agent: string;
  let dashboard: string;
  beforeAll(async () => {
    // A JWK set URL that always fails: no key was ever fetched, so no token can be checked.
    keys = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const { port } = keys.address() as AddressInfo;
    h = await startHarness({
      config: { jwtSecret: undefined, jwksUrl: `http://127.0.0.1:${port}/jwks.json` },
    });
    agent = await esToken({ scope: 'agent', agent_type: 'worker' }, 'un-1');
    dashboard = await esToken({ scope: 'sessions:read' }, 'ops');
  });
  afterAll(async () => {
    await h.close();
    keys.close();
  });

  it('refuses an agent upgrade with 503, not 401', async () => {
    const refused = await refusedUpgrade(h.agentUrl, { authorization: `Bearer ${agent}` });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('refuses a dashboard with unavailable', async () => {
    expect(await refusedDashboard(h.baseUrl, { token: dashboard })).toBe('unavailable');
  });
});

describe('a key source that never answers', () => {
  let keys: Server;
  let h: Harness;
  beforeAll(async () => {
    // Accepts the request and never responds: only the handshake deadline ends the wait.
    keys = createServer(() => {});
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const { port } = keys.address() as AddressInfo;
    h = await startHarness({
      config: { jwtSecret: undefined, jwksUrl: `http://127.0.0.1:${port}/jwks.json` },
      limits: { handshakeTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    await h.close();
    keys.closeAllConnections();
    keys.close();
  });

  it('answers the upgrade with 503 once the handshake deadline passes', async () => {
    const token = await esToken({ scope: 'agent', agent_type: 'worker' }, 'un-2');
    const started = Date.now();
    const refused = await refusedUpgrade(h.agentUrl, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(503);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2_500); // well before the key fetch's own 3 s timeout
  });

  it('fails the dashboard handshake with unavailable', async () => {
    const token = await esToken({ scope: 'sessions:read' }, 'ops');
    expect(await refusedDashboard(h.baseUrl, { token })).toBe('unavailable');
  });
});
