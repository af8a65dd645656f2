import { createPublicKey } from 'node:crypto';
import { importSPKI, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../config/errors.js';
import { createRemoteKeys, type RemoteKeysOptions } from './jwks.js';

/** The key sources of a deployment; at least one must be set. */
export interface KeySources {
  /** HS256 shared secret. */
  readonly secret?: string | undefined;
  /** PEM public key: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA). */
  readonly publicKey?: string | undefined;
  /** Remote JWK set URL (RS256, ES256, EdDSA). */
  readonly jwksUrl?: string | undefined;
  readonly jwks?: RemoteKeysOptions;
}

/** The algorithms a deployment accepts and how each token's key is found. */
export interface KeyResolver {
  readonly algorithms: string[];
  readonly getKey: JWTVerifyGetKey;
}

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];

/** The one algorithm a PEM public key may verify; anything else is refused at start-up. */
function pemAlgorithm(pem: string): string {
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new ConfigError('PULSEGATE_JWT_PUBLIC_KEY', 'is not a readable PEM public key');
  }
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  throw new ConfigError(
    'PULSEGATE_JWT_PUBLIC_KEY',
    'must be an RSA, P-256 or Ed25519 public key (RS256, ES256, EdDSA)',
  );
}

/**
 * Builds the key resolver. The allowlist follows the key type: a secret allows HS256
 * only; public keys never allow HS* (the classic algorithm confusion). When several
 * sources are set, the token's `alg` picks among them.
 */
export async function createKeyResolver(sources: KeySources): Promise<KeyResolver> {
  const algorithms: string[] = [];
  // Imported once: handing jose raw bytes makes it import the key again on every verify.
  const secret =
    sources.secret === undefined
      ? undefined
      : await crypto.subtle.importKey(
          'raw',
          new TextEncoder().encode(sources.secret),
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['verify'],
        );
  if (secret !== undefined) algorithms.push('HS256');
  let pem: { alg: string; key: CryptoKey } | undefined;
  if (sources.publicKey !== undefined) {
    const alg = pemAlgorithm(sources.publicKey);
    pem = { alg, key: await importSPKI(sources.publicKey, alg) };
    algorithms.push(alg);
  }
  const remote =
    sources.jwksUrl === undefined ? undefined : createRemoteKeys(sources.jwksUrl, sources.jwks);
  if (remote !== undefined) {
    for (const alg of ASYMMETRIC) if (!algorithms.includes(alg)) algorithms.push(alg);
  }
  if (algorithms.length === 0) throw new Error('no key source configured');
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret !== undefined) return secret;
    if (pem !== undefined && header.alg === pem.alg && (remote === undefined || !header.kid)) {
      return pem.key;
    }
    if (remote !== undefined && header.alg !== 'HS256') return remote(header, token);
    if (pem !== undefined && header.alg === pem.alg) return pem.key;
    throw new Error(`no key for alg ${String(header.alg)}`);
  };
  return { algorithms, getKey };
}
