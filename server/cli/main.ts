#!/usr/bin/env -S node --max-semi-space-size=8
import { ConfigError } from '../config/errors.js';
import type { CommandIo } from './token.js';

const HELP = `Usage: pulsegate <command> [options]

Commands:
  serve    run the gateway (what npm start runs)
  token    mint an HS256 token with the configured secret
  demo     a dev-mode gateway with simulated agents showing every transition

Run "pulsegate <command> --help" for a command's options.
`;

const io: CommandIo = {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  // Each command loads only what it needs: `token` and `--help` start fast.
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand(rest, io);
    case 'token':
      return (await import('./token.js')).tokenCommand(rest, io);
    case 'demo':
      return (await import('../demo/command.js')).demoCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return command === undefined ? 2 : 0;
    default:
      io.err(`pulsegate: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`pulsegate: ${err.message}\n`);
    } else {
      process.stderr.write(
        `pulsegate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exit(1);
  },
);
