import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const run = promisify(execFile);

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The developers' guide's flags; `--headless` is added by playwright. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go (ignored by git; CI keeps it as the test output). */
export const RESULTS_DIR = join(process.cwd(), 'test-results');

/** Builds the page from the current source into a fresh folder, as `npm run build` does. */
export async function buildPage(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pulsegate-page-'));
  await run(process.execPath, [join(process.cwd(), 'scripts', 'build-dashboard.mjs'), dir]);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Browser {
  readonly context: BrowserContext;
  /**
   * A new tab that records long tasks (`window.__longTasks`), and in `errors` the page's
   * uncaught exceptions and console errors (refused connections aside).
   */
  newPage(): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'pulsegate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  await context.addInitScript(() => {
    const tasks: number[] = [];
    Reflect.set(window, '__longTasks', tasks);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await mkdir(RESULTS_DIR, { recursive: true });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // The browser itself logs refused connections while a gateway restarts.
        if (message.type() === 'error' && !message.text().includes('net::ERR_CONNECTION_REFUSED')) {
          errors.push(message.text());
        }
      });
      return Object.assign(page, { errors });
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The long tasks (ms) the page has seen so far. */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const tasks: unknown = Reflect.get(window, '__longTasks');
    return Array.isArray(tasks) ? tasks.filter((t): t is number => typeof t === 'number') : [];
  });
}
