import type { IncomingMessage } from 'node:http';
import { asError, PulsegateError } from '../../shared/errors.js';
import { parseJson } from '../../shared/record.js';

function cutShort(): PulsegateError {
  return new PulsegateError('invalid', 'the body was cut short');
}

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
 * Reads a JSON body of at most `maxBytes`; an empty body reads as `undefined`. A body that
 * streams in is not buffered past the limit: the read stops with `too_large` at the first
 * chunk over. One that node has already buffered whole is refused by its size.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (req.complete) return settled(req, maxBytes);
  // A small body usually comes in the packet of its headers, but node parses it only after
  // the 'request' event and the microtasks that follow it. Looked at again after the poll
  // phase that read the packet (`setImmediate`), it is in the stream's buffer and read at
  // once: no listeners, no stream events. A body still on its way is read as it streams.
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      if (!req.complete) return void readStreamed(req, maxBytes).then(resolve, reject);
      try {
        resolve(readArrived(req, maxBytes));
      } catch (err) {
        reject(asError(err));
      }
    });
  });
}

function settled(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  try {
    return Promise.resolve(readArrived(req, maxBytes));
  } catch (err) {
    return Promise.reject(asError(err));
  }
}

/** The body of a request that has ended: all of it is in the stream's buffer. */
function readArrived(req: IncomingMessage, maxBytes: number): unknown {
  if (req.readableLength > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  const data: unknown = req.read();
  // Read to the end now: the stream ends (and node does not dump it) as with a 'data' reader.
  req.resume();
  return parseBody(Buffer.isBuffer(data) ? data.toString('utf8') : '');
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  const parsed = parseJson(text);
  if (parsed === undefined) throw new PulsegateError('invalid', 'the body is not JSON');
  return parsed.value;
}

function readStreamed(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  // Gone while the route waited: its 'close' will not come again.
  if (req.destroyed) return Promise.reject(cutShort());
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
        try {
          resolve(parseBody(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(asError(err));
        }
      });
    const onError = (err: Error) =>
      finish(() =>
        reject(new PulsegateError('invalid', 'the body could not be read', { cause: err })),
      );
    // A peer that goes away mid-body ends the wait too, whatever the stream emits first.
    const onClose = () => finish(() => reject(cutShort()));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
