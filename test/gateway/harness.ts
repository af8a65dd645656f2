import { mintToken } from '../../server/auth/mint.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../server/gateway.js';
import { createLogger } from '../../server/log.js';
import { LogCapture } from '../support/harness.js';

export { LogCapture };

export const SECRET = 'gateway-test-secret-0123456789abcdef';

export interface TestGateway {
  readonly gateway: Gateway;
  readonly base: string;
  readonly ws: string;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

export async function startGateway(
  options: Omit<GatewayOptions, 'config'> & { config?: GatewayOptions['config'] } = {},
): Promise<TestGateway> {
  const logs = new LogCapture();
  const gateway = await createGateway({
    logger: createLogger({ level: 'debug', destination: logs }),
    ...options,
    config: { jwtSecret: SECRET, port: 0, host: '127.0.0.1', ...options.config },
    limits: { shutdownSpreadMs: 100, ...options.limits },
  });
  const port = gateway.address()?.port ?? 0;
  return {
    gateway,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    logs,
    close: () => gateway.close(),
  };
}

export function agentToken(sub: string, agentType = 'planner', tenant?: string): Promise<string> {
  return mintToken({ secret: SECRET, sub, scope: 'agent', agentType, tenant, ttlSeconds: 600 });
}

export function dashboardToken(scope: string, tenant?: string, sub = 'alice'): Promise<string> {
  return mintToken({ secret: SECRET, sub, scope, tenant, ttlSeconds: 600 });
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
