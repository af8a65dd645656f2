import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.js';

const run = promisify(execFile);

/** Chromium with a fresh profile, removed on close. */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'pulsegate-sdk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Bundles the browser SDK from the current source into a fresh folder, as the build does. */
export async function buildSdk(): Promise<{
  dir: string;
  bundle: string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'pulsegate-sdk-'));
  await run(process.execPath, [join(process.cwd(), 'scripts', 'build-browser.mjs'), dir]);
  const bundle = await readFile(join(dir, 'pulsegate-client.js'), 'utf8');
  return { dir, bundle, remove: () => rm(dir, { recursive: true, force: true }) };
}
