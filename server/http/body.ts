import type { IncomingMessage } from 'node:http';
import { PulsegateError } from '../../shared/errors.js';
import { parseJson } from '../../shared/record.js';

function tooLarge(maxBytes: number): PulsegateError {
  return new PulsegateError('too_large', `the body is larger than ${maxBytes} bytes`);
}

/**
 * Refuses a body whose declared length is over the limit, before reading a byte of it.
 * Chunked bodies are counted while they arrive, by `readJsonBody`.
 */
export function checkDeclaredLength(req: IncomingMessage, maxBytes: number): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

/**
 * Reads a JSON body of at most `maxBytes`; an empty body reads as `undefined`. Bytes past
 * the limit are never buffered: the read stops with `too_large` at the first chunk over.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // The rest is drained unbuffered so the 413 can still be written.
        req.resume();
        finish(() => reject(tooLarge(maxBytes)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish(() => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim() === '') return resolve(undefined);
        const parsed = parseJson(text);
        if (parsed === undefined) reject(new PulsegateError('invalid', 'the body is not JSON'));
        else resolve(parsed.value);
      });
    const onError = (err: Error) =>
      finish(() =>
        reject(new PulsegateError('invalid', 'the body could not be read', { cause: err })),
      );
    // A peer that goes away mid-body ends the wait too, whatever the stream emits first.
    const onClose = () =>
      finish(() => reject(new PulsegateError('invalid', 'the body was cut short')));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
