import type { IncomingMessage } from 'node:http';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config/settings.js';

const REDACTED = '[redacted]';

/**
 * A URL fit for the log: the query string is replaced as a whole, since browsers put the
 * agent token there (`?token=`), and nothing in a query is worth a leaked token.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?${REDACTED}`;
}

function serializeRequest(req: IncomingMessage): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    remoteAddress: req.socket?.remoteAddress,
    origin: req.headers?.origin,
    userAgent: req.headers?.['user-agent'],
  };
}

/** Keys that may carry a credential wherever they appear (two levels deep). */
const REDACT_PATHS = [
  'token',
  'authorization',
  'secret',
  'jwtSecret',
  '*.token',
  '*.authorization',
  '*.secret',
  '*.jwtSecret',
  'headers.authorization',
  'req.headers.authorization',
  'headers.cookie',
  'req.headers.cookie',
  'auth.token',
];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/**
 * The gateway's pino logger: JSON lines, credentials redacted, URLs stripped of queries.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'debug' });
 * log.info({ url: req.url }, 'request'); // url logged as /v1/agent?[redacted]
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        err: stdSerializers.err,
        req: serializeRequest,
        url: redactUrl,
      },
    },
    // Asynchronous: a synchronous `write(2)` per line ran on the event loop, twice per agent
    // connection (connected, closed). pino flushes this destination synchronously on
    // `exit`, so the lines of a process that ends (`process.exit`, a fatal error) are kept;
    // only a SIGKILL can lose the last few.
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
