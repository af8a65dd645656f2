import { afterEach, describe, expect, it } from 'vitest';
import { agentToken, bearer, startGateway, type TestGateway } from './harness.js';

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
    const line = gw.logs.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'monitor handler failed');
    expect(line).toMatchObject({
      level: 50,
      source: 'listener',
      err: { message: 'listener boom' },
    });
  });
});
