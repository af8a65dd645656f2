import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../client/index.js';
import { mintToken } from '../../server/auth/mint.js';
import { createGateway, type Gateway } from '../../server/gateway.js';
import { createLogger } from '../../server/log.js';
import { buildPage, launchBrowser, type Browser } from './browser.js';

const SECRET = 'dashboard-page-test-secret-0123456789';

const mint = (sub: string, scope: string, agentType?: string) =>
  mintToken({ secret: SECRET, sub, scope, agentType, ttlSeconds: 3600 });

async function startGateway(pageDir: string, port = 0): Promise<Gateway> {
  return createGateway({
    config: { jwtSecret: SECRET, host: '127.0.0.1', port, timeoutMs: 600_000 },
    logger: createLogger({ level: 'silent' }),
    limits: { shutdownSpreadMs: 50 },
    pageDir,
  });
}

const row = (page: Page, session: string) => page.locator(`#rows tr[data-session="${session}"]`);
const feedItem = (page: Page, session: string, kind: string) =>
  page.locator(`#feed li[data-session="${session}"][data-kind="${kind}"]`);

describe('the dashboard page in Chromium', () => {
  let page$: Awaited<ReturnType<typeof buildPage>>;
  let browser: Browser;
  let gateway: Gateway;
  let base = '';
  let ws = '';
  let control = '';
  let readOnly = '';
  let page: Page & { errors: string[] };
  const agents: AgentClient[] = [];

  const agent = async (session: string, agentType = 'worker') => {
    const client = new AgentClient({
      url: ws,
      token: await mint(session, 'agent', agentType),
      reconnect: false,
    });
    agents.push(client);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    page$ = await buildPage();
    gateway = await startGateway(page$.dir);
    const port = gateway.address()?.port ?? 0;
    base = `http://127.0.0.1:${port}`;
    ws = `ws://127.0.0.1:${port}`;
    control = await mint('ops', 'sessions:read sessions:control');
    readOnly = await mint('viewer', 'sessions:read');
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await Promise.allSettled(agents.map((a) => a.close()));
    await browser?.close();
    await gateway?.close();
    await page$?.remove();
  });

  it('loads with a token from the fragment, hides it, and lists the sessions', async () => {
    gateway.monitor.register('alpha-1', 'planner', { status: 'planning step 1' });
    gateway.monitor.register('alpha-2', 'coder');
    gateway.monitor.pause('alpha-2', { by: 'api', reason: 'maintenance' });

    await page.goto(`${base}/#token=${control}`);
    await row(page, 'alpha-2').waitFor();
    expect(page.url()).toBe(`${base}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('pulsegate.dashboard.token'))).toBe(
      control,
    );
    expect(await row(page, 'alpha-1').innerText()).toMatch(
      /^alpha-1\s+planner\s+default\s+● healthy\s+0\/3\s+\d+ s\s+planning step 1\s+no\s+PauseUnregister$/,
    );
    const paused = await row(page, 'alpha-2').innerText();
    expect(paused).toContain('❚❚ paused');
    expect(paused).toContain('api: maintenance');
    await expect
      .poll(() => page.locator('#connection').getAttribute('data-state'))
      .toBe('connected');
    expect(await page.locator('#connection-text').innerText()).toBe('Connected');
    expect(await page.locator('#counts li[data-state="paused"] strong').innerText()).toBe('1');
    expect(await page.locator('#sessions').getAttribute('aria-rowcount')).toBe('3');
    expect(await headers(page)).toEqual([
      'Session',
      'Agent type',
      'Tenant',
      'State',
      'Missed',
      'Since beat',
      'Status',
      'Connected',
      'Paused by',
      'Actions',
    ]);

    // A reload keeps the token (sessionStorage), with nothing in the address bar.
    await page.reload();
    await row(page, 'alpha-1').waitFor();
    expect(page.errors).toEqual([]);
  });

  it('shows a transition caused by an agent within a second', async () => {
    const started = Date.now();
    const live = await agent('live-1');
    await feedItem(page, 'live-1', 'registered').waitFor({ timeout: 1_000 });
    await row(page, 'live-1').waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);

    const pausedAt = Date.now();
    live.pause('awaiting user input');
    await feedItem(page, 'live-1', 'paused').waitFor({ timeout: 1_000 });
    await expect
      .poll(() => row(page, 'live-1').innerText(), { timeout: 1_000, interval: 20 })
      .toContain('agent: awaiting user input');
    expect(Date.now() - pausedAt).toBeLessThan(1_000);
    // Newest first.
    expect(await page.locator('#feed li').first().getAttribute('data-kind')).toBe('paused');
  });

  it('pauses and resumes a session with its buttons, and unregisters it', async () => {
    const target = await agent('ctl-1');
    await row(page, 'ctl-1').waitFor();

    const paused = new Promise<{ by: string; reason?: string }>((resolve) =>
      target.once('paused', resolve),
    );
    await page.getByRole('button', { name: 'Pause session ctl-1' }).click();
    expect(await paused).toMatchObject({ by: 'dashboard', reason: 'paused from the dashboard' });
    await page.getByRole('button', { name: 'Resume session ctl-1' }).waitFor();
    expect(await row(page, 'ctl-1').innerText()).toContain('dashboard: paused from the dashboard');

    const resumed = new Promise<{ by: string }>((resolve) => target.once('resumed', resolve));
    await page.getByRole('button', { name: 'Resume session ctl-1' }).click();
    expect(await resumed).toMatchObject({ by: 'dashboard' });
    await page.getByRole('button', { name: 'Pause session ctl-1' }).waitFor();
    expect(gateway.monitor.getStatus('ctl-1')?.paused).toBe(false);

    const closed = new Promise<{ code: number }>((resolve) => target.once('closed', resolve));
    await page.getByRole('button', { name: 'Unregister session ctl-1' }).click();
    expect((await closed).code).toBe(4011);
    await feedItem(page, 'ctl-1', 'unregistered').waitFor();
    // It stays listed for a while as gone, so the operator sees what went, without buttons.
    await expect.poll(() => row(page, 'ctl-1').innerText()).toContain('○ gone');
    expect(await row(page, 'ctl-1').getByRole('button').count()).toBe(0);
  });

  it('shows a refused command inline, with its code', async () => {
    // The field allows 256 characters; a script (or an old page) may send more.
    await page.evaluate(() => {
      const input = document.getElementById('pause-reason');
      if (input instanceof HTMLInputElement) input.value = 'x'.repeat(300);
    });
    await page.getByRole('button', { name: 'Pause session alpha-1' }).click();
    await expect
      .poll(() => page.locator('#action-error').innerText())
      .toMatch(/^Could not pause alpha-1: invalid: /);
    const rowError = row(page, 'alpha-1').locator('.row-error');
    await expect.poll(() => rowError.textContent()).toBe('⚠ invalid');
    expect(await rowError.getAttribute('title')).toMatch(/^invalid: /);
    expect(gateway.monitor.getStatus('alpha-1')?.paused).toBe(false);
    await page.locator('#pause-reason').fill('checking the logs');
  });

  it('filters by agent type, state and text, and sorts by any column', async () => {
    await page.locator('#filter-agent-type').selectOption('coder');
    await expect.poll(() => page.locator('#rows tr[data-session]').count()).toBe(1);
    await page.locator('#filter-agent-type').selectOption('');
    await page.locator('#filter-state').selectOption('paused');
    await expect
      .poll(async () => (await page.locator('#rows tr[data-session]').evaluateAll(ids)).sort())
      .toEqual(['alpha-2', 'live-1']);
    await page.locator('#filter-state').selectOption('');
    await page.locator('#filter-text').fill('ALPHA');
    await expect
      .poll(() => page.locator('#rows tr[data-session]').evaluateAll(ids))
      .toEqual(['alpha-1', 'alpha-2']);
    const sortBySession = page.getByRole('button', { name: 'Sort by session' });
    await sortBySession.click();
    await expect
      .poll(() => page.locator('#rows tr[data-session]').evaluateAll(ids))
      .toEqual(['alpha-2', 'alpha-1']);
    expect(await page.locator('th', { has: sortBySession }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await sortBySession.click();
    await page.locator('#filter-text').fill('');
  });

  it('shows no control buttons to a token without sessions:control', async () => {
    const viewer = await browser.newPage();
    await viewer.goto(`${base}/#token=${readOnly}`);
    await row(viewer, 'alpha-1').waitFor();
    expect(await viewer.locator('#rows button').count()).toBe(0);
    expect(await headers(viewer)).not.toContain('Actions');
    expect(await viewer.locator('#pause-reason-label').isHidden()).toBe(true);
    expect(await viewer.locator('#identity').innerText()).toContain('read only');
    await viewer.close();
  });

  it('asks for a token when there is none, and comes back to it when refused', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${base}/`);
    await fresh.getByLabel('Dashboard token').waitFor();
    await fresh.getByLabel('Dashboard token').fill(await mint('x', 'agent', 'worker'));
    await fresh.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => fresh.locator('#token-error').innerText()).toContain('forbidden');
    await fresh.getByLabel('Dashboard token').fill(readOnly);
    await fresh.getByRole('button', { name: 'Connect' }).click();
    await row(fresh, 'alpha-1').waitFor();
    await fresh.close();
  });

  it('recovers by itself after the gateway restarts', async () => {
    const port = gateway.address()?.port ?? 0;
    await Promise.allSettled(agents.map((a) => a.close()));
    await gateway.close();
    await expect
      .poll(() => page.locator('#connection').getAttribute('data-state'))
      .toBe('disconnected');
    gateway = await startGateway(page$.dir, port);
    gateway.monitor.register('after-restart', 'planner');
    await row(page, 'after-restart').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('#connection').getAttribute('data-state'))
      .toBe('connected');
    // The new gateway's memory is the truth: its sessions replace the old live ones
    // (the ones that left before the restart are still listed as gone for a while).
    const listed = await page.locator('#rows tr[data-session]').evaluateAll(ids);
    expect(listed).toContain('after-restart');
    expect(listed).not.toContain('alpha-1');
    expect(listed).not.toContain('alpha-2');
    expect(page.errors).toEqual([]);
  }, 30_000);
});

/** The column headers' text, without the sort mark. */
async function headers(page: Page): Promise<string[]> {
  const texts = await page.getByRole('columnheader').allInnerTexts();
  return texts.map((t) => t.replace(/[▲▼]/g, '').trim());
}

function ids(rows: Element[]): string[] {
  return rows.map((r) => r.getAttribute('data-session') ?? '');
}
