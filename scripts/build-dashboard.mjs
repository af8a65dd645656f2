/* global console, process */
// Builds the dashboard page into dist/dashboard/: index.html, dashboard.js (one ESM bundle),
// dashboard-worker.js (the worker the page runs its connection in: the dashboard client and
// socket.io-client) and dashboard.css, side by side
// (the gateway serves the folder's top-level files), so nothing is fetched from elsewhere.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'web', 'dashboard');
// An optional argument names another output folder (the browser tests build their own).
const out = process.argv[2] ?? join(root, 'dist', 'dashboard');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const common = {
  outdir: out,
  bundle: true,
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'eof',
  logLevel: 'warning',
};
// The page (an ES module), and the worker it runs its connection in (see
// web/dashboard/main.ts): a classic script, which every browser with workers can start.
await build({ ...common, entryPoints: { dashboard: join(source, 'main.ts') }, format: 'esm' });
await build({
  ...common,
  entryPoints: { 'dashboard-worker': join(source, 'connection-worker.ts') },
  format: 'iife',
});
await copyFile(join(source, 'styles.css'), join(out, 'dashboard.css'));
await copyFile(join(source, 'index.html'), join(out, 'index.html'));
console.log(`dashboard page built into ${out}`);
