/* global process, URL */
// Bundles the browser SDK (client/browser.ts: AgentClient over the native WebSocket and
// DashboardClient with socket.io-client inside) into one ES module that the gateway
// serves at /sdk/pulsegate-client.js, so a page can use it without a bundler.
// Usage: node scripts/build-browser.mjs [outdir]   (default: dist/browser)
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(root, 'dist', 'browser'));

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'pulsegate-client': 'client/browser.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
