import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../server/gateway.js';
import { createLogger } from '../../server/log.js';
import {
  agentToken,
  bearer,
  LogCapture,
  SECRET,
  startGateway,
  type TestGateway,
} from './harness.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('gateway wiring', () => {
  it("logs a failing transition listener with pino (the monitor's onError) and keeps serving", async () => {
    gw = await startGateway();
    const unsubscribe = gw.gateway.monitor.subscribe(() => {
      throw new Error('listener boom');
    });
    const res = await fetch(`${gw.base}/v1/sessions/w1/beat`, {
      method: 'POST',
      headers: bearer(await agentToken('w1')),
    });
    unsubscribe();
    expect(res.status).toBe(200);
    const line = gw.logs.lines.find((l) => l.msg === 'monitor handler failed');
    expect(line).toMatchObject({
      level: 50,
      source: 'listener',
      err: { message: 'listener boom' },
    });
  });

  it('leaves an application server with its own listeners only once it closes', async () => {
    const server = createServer((_req, res) => res.end('app'));
    const events = ['request', 'upgrade', 'listening', 'close'] as const;
    const before = events.map((e) => server.listeners(e));
    const gateway = await createGateway({
      server,
      config: { jwtSecret: SECRET },
      logger: createLogger({ level: 'silent', destination: new LogCapture() }),
      limits: { shutdownSpreadMs: 10 },
    });
    await gateway.close();
    expect(events.map((e) => server.listeners(e))).toEqual(before);
  });
});
