import { DEFAULT_TENANT, isAgentType, isSessionId, isTenant } from '../../shared/limits.js';
import { mintToken, parseTtl } from '../auth/mint.js';
import { loadConfig } from '../config/load.js';
import { parseArgs } from './args.js';

export const TOKEN_HELP = `Usage: pulsegate token --scope SCOPE --sub SUB [options]

Mints an HS256 token signed with PULSEGATE_JWT_SECRET (or the secret of PULSEGATE_CONFIG)
and prints it on stdout.

Options:
  --scope SCOPE        space-delimited scopes: "agent", or "sessions:read sessions:control"
  --sub SUB            the session id (agent tokens) or the user id (dashboard tokens)
  --agent-type TYPE    the agent type; required with the agent scope
  --tenant TENANT      the tenant (default: ${DEFAULT_TENANT})
  --ttl TTL            lifetime: 90, 30s, 15m, 1h, 7d (default: 1h)
  -h, --help           this help

Example:
  PULSEGATE_JWT_SECRET=s3cret pulsegate token --scope agent --sub worker-1 --agent-type planner
`;

const KNOWN = new Set(['scope', 'sub', 'agent-type', 'tenant', 'ttl']);

export interface CommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

/** `pulsegate token`: returns the exit code. */
export async function tokenCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, KNOWN);
  if (typeof args === 'string') {
    io.err(`pulsegate token: ${args}\n\n${TOKEN_HELP}`);
    return 2;
  }
  if (args.help) {
    io.out(TOKEN_HELP);
    return 0;
  }
  const scope = args.flags.get('scope');
  const sub = args.flags.get('sub');
  const agentType = args.flags.get('agent-type');
  const tenant = args.flags.get('tenant');
  const ttl = parseTtl(args.flags.get('ttl') ?? '1h');
  const problem =
    scope === undefined || scope.trim() === ''
      ? '--scope is required'
      : sub === undefined
        ? '--sub is required'
        : ttl === undefined
          ? '--ttl must look like 90, 30s, 15m, 1h or 7d'
          : tenant !== undefined && !isTenant(tenant)
            ? '--tenant must be 1-128 chars of [A-Za-z0-9._:-]'
            : undefined;
  if (problem !== undefined || scope === undefined || sub === undefined || ttl === undefined) {
    io.err(`pulsegate token: ${problem ?? 'bad arguments'}\n`);
    return 2;
  }
  const scopes = scope.split(/\s+/);
  if (scopes.includes('agent')) {
    if (!isSessionId(sub)) {
      io.err('pulsegate token: --sub must be a session id: 1-128 chars of [A-Za-z0-9._:-]\n');
      return 2;
    }
    if (!isAgentType(agentType)) {
      io.err(
        'pulsegate token: --agent-type is required with the agent scope: 1-64 chars of [A-Za-z0-9._:-]\n',
      );
      return 2;
    }
  }
  const config = loadConfig({ env: io.env });
  if (config.jwtSecret === undefined) {
    io.err(
      'pulsegate token: no secret configured: set PULSEGATE_JWT_SECRET (tokens for public keys are minted by your identity provider)\n',
    );
    return 1;
  }
  const token = await mintToken({
    secret: config.jwtSecret,
    sub,
    scope: scopes.join(' '),
    agentType,
    tenant,
    ttlSeconds: ttl,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
  });
  io.out(`${token}\n`);
  return 0;
}
