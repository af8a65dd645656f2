import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.js';

const run = promisify(execFile);

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
    args: [...CHROMIUM_FLAGS],
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

/** One task of the page's main thread: wall time and the thread's CPU time, in ms. */
export interface MainThreadTask {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Records the page's renderer main thread's tasks with Chromium's tracing until the
 * returned function is called. Their CPU time (`tdur`) measures the page's own work; the wall
 * time a long task shows also counts the time other processes of a busy machine took.
 */
export async function traceMainThread(page: Page): Promise<() => Promise<MainThreadTask[]>> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  await cdp.send('Tracing.start', {
    categories: 'disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise<void>((resolve) =>
      cdp.once('Tracing.tracingComplete', () => resolve()),
    );
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    const dump = process.env['PULSEGATE_TRACE_FILE'];
    if (dump !== undefined) await writeFile(dump, JSON.stringify(events));
    // Only the page's renderer: Chromium runs other renderers of its own meanwhile (its
    // WebUI, e.g. the omnibox popup, even when headless), and their start-up tasks, at
    // 200-300 ms of CPU, are not the page's.
    const pageProcesses = pageProcessIds(events);
    const mainThreads = new Set<string>();
    for (const e of events) {
      const pid = readNumber(e, 'pid');
      if (pid === undefined || !pageProcesses.has(pid)) continue;
      if (readString(e, 'name') === 'thread_name' && readArgName(e) === 'CrRendererMain') {
        mainThreads.add(`${pid}:${readNumber(e, 'tid')}`);
      }
    }
    const tasks: MainThreadTask[] = [];
    for (const e of events) {
      if (readString(e, 'name') !== 'RunTask' || readString(e, 'ph') !== 'X') continue;
      if (!mainThreads.has(`${readNumber(e, 'pid')}:${readNumber(e, 'tid')}`)) continue;
      tasks.push({
        wallMs: (readNumber(e, 'dur') ?? 0) / 1000,
        cpuMs: (readNumber(e, 'tdur') ?? 0) / 1000,
      });
    }
    return tasks;
  };
}

/**
 * The renderer processes of the traced page's frames: the one it started in
 * (`TracingStartedInBrowser`) and each it committed a navigation in since.
 */
function pageProcessIds(events: readonly unknown[]): Set<number> {
  const ids = new Set<number>();
  for (const e of events) {
    const name = readString(e, 'name');
    const args: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'args') : undefined;
    const data: unknown =
      typeof args === 'object' && args !== null ? Reflect.get(args, 'data') : undefined;
    if (name === 'FrameCommittedInBrowser') {
      const pid = readNumber(data, 'processId');
      if (pid !== undefined) ids.add(pid);
    } else if (name === 'TracingStartedInBrowser') {
      const frames: unknown =
        typeof data === 'object' && data !== null ? Reflect.get(data, 'frames') : undefined;
      for (const frame of Array.isArray(frames) ? (frames as unknown[]) : []) {
        const pid = readNumber(frame, 'processId');
        if (pid !== undefined) ids.add(pid);
      }
    }
  }
  return ids;
}

function readString(e: unknown, key: string): string | undefined {
  const v: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, key) : undefined;
  return typeof v === 'string' ? v : undefined;
}

function readNumber(e: unknown, key: string): number | undefined {
  const v: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, key) : undefined;
  return typeof v === 'number' ? v : undefined;
}

function readArgName(e: unknown): string | undefined {
  const args: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'args') : undefined;
  return readString(args, 'name');
}
