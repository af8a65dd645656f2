import type { Socket } from 'socket.io-client';
import { PulsegateError } from '../../shared/errors.js';
import type { JsonRecord } from '../../shared/record.js';
import { readAck } from './decode.js';

/**
 * Emits one dashboard command and resolves with its `{ok: true}` acknowledgement, or
 * rejects with a `PulsegateError`: the ack's contract code, `timeout` when none came in
 * `timeoutMs`, `unavailable` when not connected (commands are not queued: a queue that
 * grows while the gateway is away would replay stale intentions later).
 */
export function sendCommand(
  socket: Socket | undefined,
  name: string,
  args: object,
  timeoutMs: number,
): Promise<JsonRecord> {
  if (socket === undefined || !socket.connected) {
    return Promise.reject(new PulsegateError('unavailable', `${name}: not connected`));
  }
  return new Promise<JsonRecord>((resolve, reject) => {
    socket.timeout(timeoutMs).emit(name, args, (error: unknown, ack: unknown) => {
      if (error !== null && error !== undefined) {
        reject(new PulsegateError('timeout', `${name}: no acknowledgement in ${timeoutMs} ms`));
        return;
      }
      const result = readAck(ack);
      if (result instanceof PulsegateError) reject(result);
      else resolve(result);
    });
  });
}
