import { createServer, type Server as HttpServer } from 'node:http';
import { asError } from '../shared/errors.js';
import { ConfigError } from './config/errors.js';
import type { Limits } from './context.js';

/** The gateway's own HTTP server, with the header limits and deadlines of `limits`. */
export function createOwnServer(limits: Limits): HttpServer {
  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.handshakeTimeoutMs,
    requestTimeout: 3 * limits.handshakeTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default).
    connectionsCheckingInterval: 1_000,
  });
  server.maxHeadersCount = limits.maxHeaders;
  return server;
}

/** A bind failure names the setting to change. */
function listenError(err: unknown, host: string, port: number): Error {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    return new ConfigError('PULSEGATE_PORT', `${port} cannot be bound on ${host} (${code})`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ConfigError('PULSEGATE_HOST', `${host} is not an address of this machine (${code})`);
  }
  return asError(err);
}

/** Listens on `host:port`; a failure rejects with an error that names the setting. */
export function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown) => reject(listenError(err, host, port));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
