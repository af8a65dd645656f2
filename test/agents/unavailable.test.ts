import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedUpgrade } from '../support/agent-socket.js';
import { refusedDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';

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
    const { privateKey } = await generateKeyPair('ES256');
    const sign = (claims: Record<string, string>, sub: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject(sub)
        .setExpirationTime('1h')
        .sign(privateKey);
    agent = await sign({ scope: 'agent', agent_type: 'worker' }, 'un-1');
    dashboard = await sign({ scope: 'sessions:read' }, 'ops');
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
