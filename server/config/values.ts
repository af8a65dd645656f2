import { ConfigError } from './errors.js';
import { LOG_LEVELS, type LogLevel, type SettingKind } from './settings.js';
import { showValue } from '../../shared/shown-value.js';

/** Where a raw value came from: the environment gives text, the file gives JSON. */
export type Source = 'env' | 'file';

/** A setting's typed value; a `number` setting's raw value when it is not digits (see `readNumber`). */
export type SettingValue = unknown;

const DIGITS = /^[0-9]+$/;

function readPort(raw: unknown, source: Source, name: string): number {
  let n: number | undefined;
  if (source === 'env' && typeof raw === 'string' && DIGITS.test(raw.trim())) n = Number(raw);
  if (source === 'file' && typeof raw === 'number') n = raw;
  if (n === undefined || !Number.isSafeInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(name, `must be a port, 0-65535 (got ${showValue(raw)})`);
  }
  return n;
}

/**
 * The environment's digits as a number; anything else is passed on as it is, for the
 * monitor's normalizers to refuse with their own rule (`must be a positive integer`).
 */
function readNumber(raw: unknown, source: Source): unknown {
  return source === 'env' && typeof raw === 'string' && DIGITS.test(raw.trim()) ? Number(raw) : raw;
}

function readText(raw: unknown, name: string, secret: boolean): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ConfigError(
      name,
      `must be a non-empty string${secret ? '' : ` (got ${showValue(raw)})`}`,
    );
  }
  return raw;
}

function readOrigin(raw: unknown, name: string): string {
  if (typeof raw === 'string') {
    try {
      const url = new URL(raw.trim());
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== 'null') {
        return url.origin;
      }
    } catch {
      // refused below
    }
  }
  throw new ConfigError(
    name,
    `must hold origins like https://app.example.com (got ${showValue(raw)})`,
  );
}

function readOrigins(raw: unknown, source: Source, name: string): readonly string[] {
  if (source === 'env' && typeof raw === 'string') {
    const parts = raw.split(',').map((p) => p.trim());
    return parts.filter((p) => p !== '').map((p) => readOrigin(p, name));
  }
  if (source === 'file' && Array.isArray(raw)) {
    const items: unknown[] = raw;
    return items.map((item) => readOrigin(item, name));
  }
  throw new ConfigError(
    name,
    `must be ${source === 'env' ? 'a comma list' : 'an array'} of origins`,
  );
}

/** A URL with one of `schemes` (`https:`...): a key set on `ftp:` would fail at every token. */
function readUrl(raw: unknown, name: string, schemes: readonly string[]): string {
  const text = readText(raw, name, false);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // refused below
  }
  if (url === undefined || !schemes.includes(url.protocol)) {
    const kinds = schemes.map((s) => `${s}//`).join(' or ');
    throw new ConfigError(name, `must be a ${kinds} URL (got ${showValue(raw)})`);
  }
  return url.href;
}

function readPem(raw: unknown, name: string): string {
  const text = readText(raw, name, true);
  // One-line environment variables often carry the PEM with escaped newlines.
  const pem = text.includes('\n') ? text : text.replace(/\\n/g, '\n');
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new ConfigError(name, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  return pem;
}

function readLogLevel(raw: unknown, name: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level === undefined) {
    throw new ConfigError(name, `must be one of ${LOG_LEVELS.join(', ')} (got ${showValue(raw)})`);
  }
  return level;
}

/** Reads one setting's raw value into its typed value, or throws a `ConfigError` naming it. */
export function readSetting(
  kind: SettingKind,
  raw: unknown,
  source: Source,
  name: string,
): SettingValue {
  switch (kind) {
    case 'text':
      return readText(raw, name, false);
    case 'secret':
      return readText(raw, name, true);
    case 'pem':
      return readPem(raw, name);
    case 'httpUrl':
      return readUrl(raw, name, ['http:', 'https:']);
    case 'redisUrl':
      return readUrl(raw, name, ['redis:', 'rediss:']);
    case 'port':
      return readPort(raw, source, name);
    case 'number':
      return readNumber(raw, source);
    case 'origins':
      return readOrigins(raw, source, name);
    case 'logLevel':
      return readLogLevel(raw, name);
  }
}
