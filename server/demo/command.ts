import { loadConfig } from '../config/load.js';
import { parseArgs } from '../cli/args.js';
import type { CommandIo } from '../cli/token.js';
import { runDemo } from './run-demo.js';

export const DEMO_HELP = `Usage: pulsegate demo [options]

Runs an in-memory gateway in dev mode (a random secret) with simulated agents of three
types (planner, coder, reviewer) that beat, pause for user input, go silent, recover,
crash, come back, time out and say bye: every kind of transition shows on the dashboard
within a minute. The demo policy is short: timeout 5 s, check interval 2 s, 3 missed
beats. It prints the dashboard URL, with a token, and runs until SIGINT or SIGTERM.

Options:
  --agents N    simulated agents, 1 to 200 (default 20)
  --port N      port (default PULSEGATE_PORT, else 7070; 0 picks a free one)
  --host H      bind address (default PULSEGATE_HOST, else 127.0.0.1)
  -h, --help    this help
`;

const KNOWN = new Set(['agents', 'port', 'host']);

/** `pulsegate demo`: runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function demoCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, KNOWN);
  if (typeof args === 'string' || args.positional.length > 0) {
    io.err(
      `pulsegate demo: ${typeof args === 'string' ? args : 'unexpected arguments'}\n\n${DEMO_HELP}`,
    );
    return 2;
  }
  if (args.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  const agents = readInt(args.flags.get('agents'), 20, 1, 200);
  const portFlag = readInt(args.flags.get('port'), -1, 0, 65_535);
  if (agents === undefined || portFlag === undefined) {
    io.err(`pulsegate demo: --agents takes 1 to 200, --port 0 to 65535\n\n${DEMO_HELP}`);
    return 2;
  }
  // Host and port may come from the environment as for serve; the keys are ignored:
  // the demo always runs in dev mode.
  const config = loadConfig({ env: io.env });
  const demo = await runDemo({
    agents,
    host: args.flags.get('host') ?? config.host,
    port: portFlag >= 0 ? portFlag : config.port,
    print: (line) => io.out(`${line}\n`),
  });
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.out('Stopping the demo...\n');
      demo.stop().then(
        () => resolve(0),
        (err: unknown) => {
          io.err(`pulsegate demo: ${err instanceof Error ? err.message : String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function readInt(text: string | undefined, fallback: number, min: number, max: number) {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,6}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}
