/**
 * The catalogue's gateways, started on first use and shared by the cases that name them:
 * the main one (HS256, iss/aud, one origin, short handshake timeout, a small per-IP
 * upgrade limit), one with an RSA public key, and four with a JWK set URL whose server
 * is fine, absent, silent or broken.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportPKCS8, exportSPKI, importPKCS8, SignJWT } from 'jose';
import type { TargetName } from '../case.js';
import { makeKeys } from '../cases/tokens.js';
import { agentClaims, AUDIENCE, ISSUER } from './tokens.js';
import { startInProcess, type Target } from './target.js';

/** Limits of the catalogue gateways: short enough for slowloris cases to end quickly. */
export const CATALOGUE_LIMITS = {
  handshakeTimeoutMs: 1_500,
  // Every case and probe comes from 127.0.0.1: only the `tight` target limits it.
  upgradeRatePerIp: 100_000,
  upgradeBurstPerIp: 100_000,
} as const;

/** The `tight` target's per-IP connection rate. */
export const TIGHT_LIMITS = { upgradeRatePerIp: 20, upgradeBurstPerIp: 100 } as const;

export interface RunningTarget {
  readonly target: Target;
  readonly extras: Readonly<Record<string, unknown>>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

type Keys = Awaited<ReturnType<typeof makeKeys>>;

async function jwksServer(mode: 'ok' | 'slow' | 'garbage', keys: Keys) {
  const server = createServer((req, res) => {
    if (mode === 'slow') return; // never answers
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"keys": not json');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [keys.jwk] }));
  });
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}/jwks.json` };
}

/** Starts and remembers targets; `closeAll` stops them. */
export class Targets {
  private readonly running = new Map<TargetName, Promise<RunningTarget>>();
  private readonly servers: Server[] = [];
  private keys: Promise<Keys> | undefined;

  get(name: TargetName): Promise<RunningTarget> {
    let t = this.running.get(name);
    if (t === undefined) {
      t = this.start(name);
      this.running.set(name, t);
    }
    return t;
  }

  async closeAll(): Promise<void> {
    for (const t of this.running.values()) await (await t).target.close();
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  }

  private async start(name: TargetName): Promise<RunningTarget> {
    const limits = CATALOGUE_LIMITS;
    if (name === 'main') return { target: await startInProcess({ limits }), extras: {} };
    if (name === 'tight') {
      return {
        target: await startInProcess({ limits: { ...limits, ...TIGHT_LIMITS } }),
        extras: {},
      };
    }
    this.keys ??= makeKeys();
    const keys = await this.keys;
    const extras = {
      privateKey: keys.ours.privateKey,
      otherKey: keys.other.privateKey,
      otherJwk: keys.otherJwk,
      publicPem: await exportSPKI(keys.ours.publicKey),
      // The same RSA key, as RSASSA-PSS: a PS256 token the public key would verify.
      psKey: await importPKCS8(await exportPKCS8(keys.ours.privateKey), 'PS256'),
      signKid: () =>
        new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...agentClaims(`slow-${Date.now()}`) })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setExpirationTime('1h')
          .sign(keys.ours.privateKey),
    };
    if (name === 'rsa') {
      const target = await startInProcess({ limits, config: { jwtPublicKey: extras.publicPem } });
      return { target, extras };
    }
    let jwksUrl = 'http://127.0.0.1:1/jwks.json';
    if (name !== 'jwks-down') {
      const mode = name === 'jwks-ok' ? 'ok' : name === 'jwks-slow' ? 'slow' : 'garbage';
      const s = await jwksServer(mode, keys);
      this.servers.push(s.server);
      jwksUrl = s.url;
    }
    const target = await startInProcess({ limits, config: { jwksUrl } });
    return { target, extras };
  }
}
