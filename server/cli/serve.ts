import { createGateway } from '../gateway.js';
import { loadConfig } from '../config/load.js';
import { parseArgs } from './args.js';
import type { CommandIo } from './token.js';

export const SERVE_HELP = `Usage: pulsegate serve

Runs the gateway: agents on /v1/agent, dashboards on the Socket.IO namespace /dashboard,
the HTTP API, /metrics and the dashboard page, on one port.

Settings come from the environment (PULSEGATE_HOST, PULSEGATE_PORT, PULSEGATE_JWT_SECRET,
PULSEGATE_JWT_PUBLIC_KEY, PULSEGATE_JWKS_URL, PULSEGATE_TIMEOUT_MS, ...) and the JSON file
named by PULSEGATE_CONFIG; see docs/configuration.md. With no key configured the gateway
runs in dev mode and logs a dashboard URL and an agent token.

SIGTERM or SIGINT: graceful shutdown, exit 0.

Options:
  -h, --help   this help
`;

/** How long the process waits for a graceful shutdown before it exits anyway. */
const EXIT_DEADLINE_MS = 9_500;

/** `pulsegate serve`: runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function serveCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, new Set());
  if (typeof args === 'string' || args.positional.length > 0) {
    io.err(
      `pulsegate serve: ${typeof args === 'string' ? args : 'unexpected arguments'}\n\n${SERVE_HELP}`,
    );
    return 2;
  }
  if (args.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  const gateway = await createGateway({ config: loadConfig({ env: io.env }) });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      gateway.log.info({ signal }, 'signal received');
      const deadline = setTimeout(() => {
        gateway.log.error('shutdown deadline passed: exiting');
        resolve(1);
      }, EXIT_DEADLINE_MS);
      deadline.unref();
      gateway.close().then(
        () => {
          clearTimeout(deadline);
          resolve(0);
        },
        (err: unknown) => {
          gateway.log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
