import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../server/gateway.js';
import { createLogger } from '../../server/log.js';
import { LogCapture } from './harness.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** The dev-mode lines come after `listening`, once their tokens are minted. */
async function devLines(logs: LogCapture): Promise<readonly Record<string, unknown>[]> {
  for (let i = 0; i < 200; i += 1) {
    const lines: readonly Record<string, unknown>[] = logs.lines;
    if (lines.some((l) => typeof l['agentToken'] === 'string')) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no dev-mode token line: ${logs.text}`);
}

function welcomeOf(url: string, token: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.once('message', (data) => {
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('dev mode', () => {
  it('prints tokens the gateway accepts when an issuer and an audience are required', async () => {
    const logs = new LogCapture();
    gateway = await createGateway({
      config: { port: 0, host: '127.0.0.1', jwtIssuer: 'https://id.example', jwtAudience: 'pg' },
      logger: createLogger({ level: 'info', destination: logs }),
      limits: { shutdownSpreadMs: 50 },
    });
    const port = gateway.address()?.port ?? 0;
    const lines = await devLines(logs);
    expect(lines.some((l) => l['level'] === 40 && String(l['msg']).includes('DEV MODE'))).toBe(
      true,
    );
    const agentToken = String(
      lines.find((l) => typeof l['agentToken'] === 'string')?.['agentToken'],
    );
    const welcome = await welcomeOf(`ws://127.0.0.1:${port}/v1/agent`, agentToken);
    expect(welcome).toMatchObject({ type: 'welcome', session: 'dev-agent-1', agentType: 'dev' });
    const url = new URL(String(lines.find((l) => 'dashboardUrl' in l)?.['dashboardUrl']));
    const dashToken = url.hash.replace(/^#token=/, '');
    const list = await fetch(`http://127.0.0.1:${port}/v1/sessions`, {
      headers: { authorization: `Bearer ${dashToken}` },
    });
    expect(list.status).toBe(200);
  });

  it('shows its dashboard URL and agent token wherever it shows its warning (level warn)', async () => {
    const logs = new LogCapture();
    gateway = await createGateway({
      config: { port: 0, host: '127.0.0.1', logLevel: 'warn' },
      logger: createLogger({ level: 'warn', destination: logs }),
      limits: { shutdownSpreadMs: 50 },
    });
    const lines = await devLines(logs);
    expect(lines.some((l) => typeof l['dashboardUrl'] === 'string')).toBe(true);
  });
});
