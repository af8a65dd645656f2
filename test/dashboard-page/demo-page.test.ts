import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITION_KINDS } from '../../shared/session.js';
import { runDemo, type Demo } from '../../server/demo/index.js';
import { createLogger } from '../../server/log.js';
import { buildPage, launchBrowser, RESULTS_DIR, type Browser } from './browser.js';

describe('the dashboard page on the demo', () => {
  let built: Awaited<ReturnType<typeof buildPage>>;
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    built = await buildPage();
    demo = await runDemo({
      port: 0,
      scale: 0.5,
      pageDir: built.dir,
      logger: createLogger({ level: 'silent' }),
      print: () => undefined,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await built?.remove();
  });

  it('shows every kind of transition in the feed, and the sessions in every state', async () => {
    const page = await browser.newPage();
    await page.goto(demo.dashboardUrl);
    const feedKinds = () =>
      page
        .locator('#feed li')
        .evaluateAll((items) => [
          ...new Set(items.map((li) => li.getAttribute('data-kind') ?? '')),
        ]);
    await expect
      .poll(
        async () => {
          const seen = new Set(await feedKinds());
          return TRANSITION_KINDS.filter((k) => !seen.has(k));
        },
        {
          timeout: 40_000,
          interval: 500,
        },
      )
      .toEqual([]);
    // A moment with a warning and a pause on screen makes the better picture.
    await expect
      .poll(
        async () =>
          Number(await page.locator('#counts li[data-state="warning"] strong').innerText()) > 0 &&
          Number(await page.locator('#counts li[data-state="paused"] strong').innerText()) > 0,
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    expect(await page.locator('#rows tr[data-session]').count()).toBeGreaterThan(10);
    const shot = join(RESULTS_DIR, 'dashboard-demo.png');
    await page.screenshot({ path: shot });
    if (process.env['PULSEGATE_UPDATE_SCREENSHOT'] === '1') {
      await copyFile(shot, join(process.cwd(), 'docs', 'assets', 'dashboard.png'));
    }
    expect(page.errors).toEqual([]);
  }, 90_000);
});
