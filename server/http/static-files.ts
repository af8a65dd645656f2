import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { PulsegateError } from '../../shared/errors.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Largest static file served: these are bundles and pages, not downloads. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** One path segment that names a file: no separators, no leading dot, no traversal. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isSafeFileName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes('..');
}

function notFound(): PulsegateError {
  return new PulsegateError('not_found', 'no such file');
}

/**
 * Serves one file of `dir` by its bare name, with its content type. Only names of one
 * safe segment with a known extension are served; anything else is 404.
 */
export async function serveFile(
  res: ServerResponse,
  dir: string,
  name: string,
  cacheControl = 'no-cache',
): Promise<void> {
  const type = CONTENT_TYPES[extname(name).toLowerCase()];
  if (!isSafeFileName(name) || type === undefined) throw notFound();
  const path = join(dir, name);
  let body: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) throw notFound();
    body = await readFile(path);
  } catch {
    throw notFound();
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
