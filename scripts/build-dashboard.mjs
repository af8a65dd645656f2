/* global console */
// Builds the dashboard page into dist/dashboard/: index.html plus assets/ (one ESM
// bundle with the dashboard client and socket.io-client inside, and one stylesheet), so
// the gateway serves it with nothing fetched from elsewhere.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'web', 'dashboard');
const out = join(root, 'dist', 'dashboard');

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'assets'), { recursive: true });

await build({
  entryPoints: { dashboard: join(source, 'main.ts') },
  outdir: join(out, 'assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile(join(source, 'styles.css'), join(out, 'assets', 'dashboard.css'));
await copyFile(join(source, 'index.html'), join(out, 'index.html'));
console.log(`dashboard page built into ${out}`);
