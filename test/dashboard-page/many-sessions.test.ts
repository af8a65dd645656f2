import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../server/auth/mint.js';
import { createGateway, type Gateway } from '../../server/gateway.js';
import { createLogger } from '../../server/log.js';
import {
  buildPage,
  launchBrowser,
  longTasks,
  RESULTS_DIR,
  traceMainThread,
  type Browser,
} from './browser.js';

const SECRET = 'dashboard-many-sessions-secret-0123456789';
const SESSIONS = 10_000;
const id = (i: number) => `s-${String(i).padStart(5, '0')}`;

// The page's largest main-thread tasks used to be receiving and applying the 10,000-session
// snapshot (180-250 ms of CPU); the connection now runs in a worker, and the page takes the
// snapshot in parts of 1,000 statuses (docs/dashboard.md, "Many sessions"). The bound is the
// issue's and is not to be loosened.
describe('the dashboard page with 10,000 sessions', () => {
  let built: Awaited<ReturnType<typeof buildPage>>;
  let gateway: Gateway;
  let browser: Browser;
  let url = '';

  beforeAll(async () => {
    built = await buildPage();
    gateway = await createGateway({
      config: { jwtSecret: SECRET, host: '127.0.0.1', port: 0, timeoutMs: 600_000 },
      logger: createLogger({ level: 'silent' }),
      pageDir: built.dir,
    });
    const types = ['planner', 'coder', 'reviewer'];
    for (let i = 0; i < SESSIONS; i++) {
      gateway.monitor.register(id(i), types[i % 3] ?? 'coder', { status: `step ${i % 97}` });
    }
    const token = await mintToken({
      secret: SECRET,
      sub: 'ops',
      scope: 'sessions:read sessions:control',
      ttlSeconds: 3600,
    });
    url = `http://127.0.0.1:${gateway.address()?.port ?? 0}/#token=${token}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await built?.remove();
  });

  it('renders and updates without a long task over 200 ms', async () => {
    const page = await browser.newPage();
    const stopTrace = await traceMainThread(page);
    const startLoad = loadavg()[0] ?? 0;
    const paused = page.locator('#counts li[data-state="paused"] strong');

    await page.goto(url);
    await expect
      .poll(() => page.locator('#sessions').getAttribute('aria-rowcount'), { timeout: 20_000 })
      .toBe(String(SESSIONS + 1));
    // Only the rows in view are in the DOM.
    expect(await page.locator('#rows tr[data-session]').count()).toBeLessThan(80);

    // A burst of 2,000 transitions, then scrolling, sorting and filtering, then 1,000 more.
    for (let i = 0; i < 2_000; i++) {
      gateway.monitor.pause(id(i * 3), { by: 'api', reason: 'batch maintenance' });
    }
    await expect.poll(() => paused.innerText(), { timeout: 15_000 }).toBe('2000');
    await page.locator('#table-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.getByRole('button', { name: 'Sort by state' }).click();
    await page.locator('#filter-text').fill('step 5');
    await expect.poll(() => page.locator('#rows tr[data-session]').count()).toBeGreaterThan(0);
    await page.locator('#filter-text').fill('');
    for (let i = 0; i < 1_000; i++) gateway.monitor.resume(id(i * 3), { by: 'api' });
    await expect.poll(() => paused.innerText(), { timeout: 15_000 }).toBe('1000');
    await page.waitForTimeout(1_200); // a tick of "last beat"

    const tasks = await longTasks(page);
    const traced = await stopTrace();
    const load = Math.max(startLoad, loadavg()[0] ?? 0);
    const report = {
      longTasksMs: tasks.map(Math.round),
      maxTaskCpuMs: Math.round(Math.max(0, ...traced.map((t) => t.cpuMs))),
      maxTaskWallMs: Math.round(Math.max(0, ...traced.map((t) => t.wallMs))),
      tasks: traced.length,
      loadAverage: load,
      cpus: cpus().length,
    };
    await writeFile(join(RESULTS_DIR, 'dashboard-long-tasks.json'), JSON.stringify(report));
    await page.screenshot({ path: join(RESULTS_DIR, 'dashboard-10k.png') });
    expect(page.errors).toEqual([]);
    // The page's own work: no task of its main thread takes 200 ms of CPU.
    expect(traced.length).toBeGreaterThan(100);
    expect(report.maxTaskCpuMs).toBeLessThan(200);
    // A long task's wall time also counts what other processes took from the page's
    // core: it is held to the same bound unless the machine was oversubscribed during
    // the run (load average above its cores), as on a busy shared CI machine.
    if (load <= cpus().length) expect(Math.max(0, ...tasks)).toBeLessThan(200);
    else console.warn(`10,000 sessions: load average ${load} on ${cpus().length} cores`, report);
  }, 55_000);
});
