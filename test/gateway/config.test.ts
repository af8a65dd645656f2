import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SETTINGS, loadConfig } from '../../server/config/index.js';

function load(env: Record<string, string>, file?: unknown) {
  return loadConfig({
    env: file === undefined ? env : { PULSEGATE_CONFIG: '/cfg.json', ...env },
    readFile: (path) => {
      if (path !== '/cfg.json') throw new Error('ENOENT');
      return typeof file === 'string' ? file : JSON.stringify(file);
    },
  });
}

function refusal(env: Record<string, string>, file?: unknown): ConfigError {
  try {
    load(env, file);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('takes the contract defaults when nothing is set', () => {
    const config = load({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7070,
      timeoutMs: 30000,
      checkIntervalMs: 5000,
      maxMissedBeats: 3,
      maxPauseMs: 0,
      redisPrefix: 'pulsegate:',
      logLevel: 'info',
      jwtSecret: undefined,
      allowedOrigins: undefined,
      policies: {},
    });
    expect(DEFAULT_SETTINGS.port).toBe(7070);
  });

  it('reads every variable of the environment', () => {
    const config = load({
      PULSEGATE_HOST: '0.0.0.0',
      PULSEGATE_PORT: '0',
      PULSEGATE_JWT_SECRET: 's3cret',
      PULSEGATE_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      PULSEGATE_JWT_ISSUER: 'iss',
      PULSEGATE_JWT_AUDIENCE: 'aud',
      PULSEGATE_TIMEOUT_MS: '1000',
      PULSEGATE_CHECK_INTERVAL_MS: '200',
      PULSEGATE_MAX_MISSED_BEATS: '1',
      PULSEGATE_MAX_PAUSE_MS: '60000',
      PULSEGATE_ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:3000/',
      PULSEGATE_REDIS_URL: 'redis://127.0.0.1:6379',
      PULSEGATE_REDIS_PREFIX: 'test:',
      PULSEGATE_NODE_ID: 'n1',
      PULSEGATE_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      jwtSecret: 's3cret',
      jwksUrl: 'http://127.0.0.1:9/jwks.json',
      jwtIssuer: 'iss',
      jwtAudience: 'aud',
      timeoutMs: 1000,
      checkIntervalMs: 200,
      maxMissedBeats: 1,
      maxPauseMs: 60000,
      allowedOrigins: ['https://a.example.com', 'http://localhost:3000'],
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'test:',
      nodeId: 'n1',
      logLevel: 'debug',
    });
  });

  it('reads the file, lets the environment win, and completes policies from the top level', () => {
    const config = load(
      { PULSEGATE_TIMEOUT_MS: '45000' },
      {
        timeoutMs: 10000,
        maxMissedBeats: 4,
        allowedOrigins: ['https://dash.example.com'],
        policies: { planner: { timeoutMs: 60000, maxMissedBeats: 2 }, coder: {} },
      },
    );
    expect(config.timeoutMs).toBe(45000);
    expect(config.maxMissedBeats).toBe(4);
    expect(config.allowedOrigins).toEqual(['https://dash.example.com']);
    expect(config.policies).toEqual({
      planner: { timeoutMs: 60000, checkIntervalMs: 5000, maxMissedBeats: 2 },
      coder: { timeoutMs: 45000, checkIntervalMs: 5000, maxMissedBeats: 4 },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(load({ PULSEGATE_TIMEOUT_MS: '' }).timeoutMs).toBe(30000);
  });

  it.each([
    [{ PULSEGATE_TIMEOUT_MS: '0' }, 'PULSEGATE_TIMEOUT_MS'],
    [{ PULSEGATE_TIMEOUT_MS: 'abc' }, 'PULSEGATE_TIMEOUT_MS'],
    [{ PULSEGATE_CHECK_INTERVAL_MS: '-5' }, 'PULSEGATE_CHECK_INTERVAL_MS'],
    [{ PULSEGATE_MAX_MISSED_BEATS: '1.5' }, 'PULSEGATE_MAX_MISSED_BEATS'],
    [{ PULSEGATE_MAX_MISSED_BEATS: '0' }, 'PULSEGATE_MAX_MISSED_BEATS'],
    [{ PULSEGATE_MAX_PAUSE_MS: '-1' }, 'PULSEGATE_MAX_PAUSE_MS'],
    [{ PULSEGATE_MAX_PAUSE_MS: '1e3' }, 'PULSEGATE_MAX_PAUSE_MS'],
    [{ PULSEGATE_PORT: '70000' }, 'PULSEGATE_PORT'],
    [{ PULSEGATE_PORT: 'NaN' }, 'PULSEGATE_PORT'],
    [{ PULSEGATE_LOG_LEVEL: 'loud' }, 'PULSEGATE_LOG_LEVEL'],
    [{ PULSEGATE_ALLOWED_ORIGINS: 'not a url' }, 'PULSEGATE_ALLOWED_ORIGINS'],
    [{ PULSEGATE_JWKS_URL: 'nope' }, 'PULSEGATE_JWKS_URL'],
    [{ PULSEGATE_JWKS_URL: 'file:///etc/jwks.json' }, 'PULSEGATE_JWKS_URL'],
    [{ PULSEGATE_REDIS_URL: 'http://127.0.0.1:6379' }, 'PULSEGATE_REDIS_URL'],
    [{ PULSEGATE_JWT_PUBLIC_KEY: 'garbage' }, 'PULSEGATE_JWT_PUBLIC_KEY'],
  ])('refuses %j naming the variable', (env, name) => {
    const err = refusal(env);
    expect(err.setting).toBe(name);
    expect(err.message).toContain(name);
  });

  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: '1000' }, 'timeoutMs'],
    [{ checkIntervalMs: 2.5 }, 'checkIntervalMs'],
    [{ maxPauseMs: -1 }, 'maxPauseMs'],
    [{ port: 1.5 }, 'port'],
    [{ allowedOrigins: 'https://a.example.com' }, 'allowedOrigins'],
    [{ allowedOrigins: [42] }, 'allowedOrigins'],
    [{ jwksUrl: 'ftp://keys.example/jwks.json' }, 'jwksUrl'],
    [{ redisUrl: 'localhost:6379' }, 'redisUrl'],
    [{ timeoutMS: 1000 }, 'timeoutMS'],
    [{ policies: [] }, 'policies'],
    [{ policies: { planner: { timeoutMs: 0 } } }, 'policies.planner.timeoutMs'],
    [{ policies: { planner: { maxMissedBeats: 'two' } } }, 'policies.planner.maxMissedBeats'],
    [{ policies: { planner: { beatMs: 1 } } }, 'policies.planner.beatMs'],
    [{ policies: { 'bad type!': {} } }, 'policies.bad type!'],
    [{ policies: { planner: 3 } }, 'policies.planner'],
    [{ policies: { constructor: {} } }, 'policies.constructor'],
    [
      { policies: { planner: { timeoutMs: 1000, 'check interval': 5 } } },
      'policies.planner.check interval',
    ],
  ])('refuses the file %j naming the setting', (file, name) => {
    const err = refusal({}, file);
    expect(err.setting).toBe(name);
    expect(err.message).toContain(name);
  });

  it('allows 0 where the contract says non-negative, in the file and the environment', () => {
    expect(load({}, { port: 0, maxPauseMs: 0 })).toMatchObject({ port: 0, maxPauseMs: 0 });
    expect(
      load({ PULSEGATE_PORT: '0', PULSEGATE_MAX_PAUSE_MS: '0' }, { maxPauseMs: 5 }),
    ).toMatchObject({ port: 0, maxPauseMs: 0 });
  });

  it('refuses a bad value in the file even where a variable overrides it', () => {
    const err = refusal({ PULSEGATE_TIMEOUT_MS: '1000' }, { timeoutMs: 0 });
    expect(err.setting).toBe('timeoutMs');
  });

  it('refuses a missing or malformed file naming PULSEGATE_CONFIG', () => {
    expect(refusal({ PULSEGATE_CONFIG: '/missing.json' }).setting).toBe('PULSEGATE_CONFIG');
    expect(refusal({}, '{not json').setting).toBe('PULSEGATE_CONFIG');
    expect(refusal({}, '[1,2]').setting).toBe('PULSEGATE_CONFIG');
  });

  it('never echoes a secret in its message', () => {
    const err = refusal({ PULSEGATE_JWT_PUBLIC_KEY: 'super-secret-value' });
    expect(err.message).not.toContain('super-secret-value');
  });
});
