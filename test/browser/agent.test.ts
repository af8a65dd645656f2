import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, DashboardClient, type Transition } from '../../client/index.js';
import {
  agentToken,
  beatsVia,
  dashboardToken,
  sleep,
  startGateway,
  until,
  type TestGateway,
} from '../client/gateway-harness.js';
import { Relay } from '../client/relay.js';
import { buildSdk, launchChromium } from './chromium.js';

/*
 * The browser agent in a real Chromium: the docs' example page (docs/examples/
 * browser-agent.html) loads the SDK bundle the gateway serves at /sdk/, connects with
 * ?token=, beats with messages, pauses and resumes; a Node dashboard watches it all.
 * The page is served at the gateway's own origin (as a page on the same site would be).
 */
const POLICY = { timeoutMs: 1_500, checkIntervalMs: 300, maxMissedBeats: 3 };

let sdk: Awaited<ReturnType<typeof buildSdk>>;
let g: TestGateway;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let dash: DashboardClient;
const seen: Transition[] = [];

beforeAll(async () => {
  sdk = await buildSdk();
  const examplePage = await readFile(
    join(process.cwd(), 'docs', 'examples', 'browser-agent.html'),
    'utf8',
  );
  // The gateway is attached to a small application that serves the pages, so they are
  // same-origin with the SDK, as a page on the gateway's site would be.
  const pages: Record<string, string> = {
    '/agent.html': examplePage,
    '/blank.html': '<!doctype html><title>blank</title>',
    '/favicon.ico': '',
  };
  g = await startGateway({
    config: POLICY,
    sdkDir: sdk.dir,
    app: (req, res) => {
      const body = pages[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html' });
      res.end(body ?? 'not found');
    },
  });
  browser = await launchChromium();
  dash = new DashboardClient({ url: g.httpUrl, token: await dashboardToken() });
  dash.on('change', (t) => seen.push(t));
  await dash.connect();
}, 120_000);

afterAll(async () => {
  dash?.close();
  await browser?.close();
  await g?.close();
  await sdk?.remove();
});

async function openAgentPage(token: string): Promise<Page & { errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${g.httpUrl}/agent.html#token=${token}`);
  return Object.assign(page, { errors });
}

const stateText = (page: Page) => page.locator('#state').textContent();
const kinds = (session: string) => seen.filter((t) => t.session === session).map((t) => t.kind);

describe('AgentClient in Chromium', () => {
  it('connects with ?token=, beats with messages, pauses and resumes; a dashboard sees it', async () => {
    const page = await openAgentPage(await agentToken('browser-1', { agentType: 'web' }));
    await until(
      () => dash.sessions.get('browser-1')?.connected === true,
      10_000,
      'the browser agent',
    );
    await expect.poll(() => stateText(page)).toBe('connected as browser-1');
    expect(dash.sessions.get('browser-1')).toMatchObject({ agentType: 'web', healthy: true });

    const beats = await beatsVia(g.httpUrl, 'message');
    await sleep(3_500); // more than two timeouts: only beats keep it healthy
    expect((await beatsVia(g.httpUrl, 'message')) - beats).toBeGreaterThanOrEqual(5);
    expect(kinds('browser-1')).toEqual(['registered']);

    await page.click('#pause');
    await until(() => dash.sessions.get('browser-1')?.paused === true, 5_000, 'the pause');
    expect(dash.sessions.get('browser-1')).toMatchObject({
      pausedBy: 'agent',
      pauseReason: 'awaiting user input',
    });
    await page.click('#resume');
    await until(() => dash.sessions.get('browser-1')?.paused === false, 5_000, 'the resume');

    await dash.pause('browser-1', 'maintenance');
    await expect.poll(() => stateText(page)).toBe('paused by dashboard: maintenance');
    await dash.resume('browser-1');
    await expect.poll(() => stateText(page)).toBe('resumed by dashboard');
    expect(kinds('browser-1')).toEqual(['registered', 'paused', 'resumed', 'paused', 'resumed']);

    await page.close(); // a closed tab is a drop, not a bye
    await until(() => dash.sessions.get('browser-1')?.connected === false, 5_000, 'the disconnect');
    expect(page.errors).toEqual([]);
  });

  it('rejects connect() with a clear message when the token is refused', async () => {
    const page = await openAgentPage('not-a-token');
    await expect
      .poll(() => stateText(page), { timeout: 10_000 })
      .toMatch(/^refused: unavailable: .*401.*403/);
    await page.close();
  });

  it('close() says bye between reconnects and while a socket opens (then never reconnects)', async () => {
    // The agents reach the gateway through a TCP relay that can drop or hold their sockets.
    const relay = await Relay.start(g.port);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${g.httpUrl}/blank.html`);
      const options = (session: string, token: string) =>
        JSON.stringify({ url: relay.url, token, reconnect: { minMs: 20_000, maxMs: 20_000 } });
      await page.evaluate(`(async () => {
        const { AgentClient } = await import('/sdk/pulsegate-client.js');
        window.events = [];
        const a = new AgentClient(${options('browser-drop', await agentToken('browser-drop'))});
        a.on('disconnected', ({ code, willReconnect }) => events.push('disconnected ' + willReconnect));
        a.on('closed', ({ code }) => events.push('closed ' + code));
        await a.connect();
        window.dropped = a;
        window.opening = new AgentClient(${options('browser-opening', await agentToken('browser-opening'))});
      })()`);
      await until(() => dash.sessions.get('browser-drop')?.connected === true, 5_000, 'the agent');

      // Dropped by the network: close() while waiting to reconnect.
      relay.cut();
      await expect.poll(() => page.evaluate('events')).toEqual(['disconnected true']);
      await until(() => dash.sessions.get('browser-drop')?.connected === false, 5_000, 'the drop');
      await page.evaluate('dropped.close()');
      expect(await page.evaluate('events')).toEqual(['disconnected true', 'closed 1000']);
      expect(kinds('browser-drop')).toEqual([
        'registered',
        'disconnected',
        'reconnected',
        'unregistered',
      ]);

      // A first socket still opening: close() waits for its welcome and says bye.
      relay.holding = true;
      const accepted = relay.accepted;
      // (Statements, not expressions: evaluate() would wait for a promise it is handed.)
      await page.evaluate('window.connecting = opening.connect().catch((e) => e.code); 0');
      await until(() => relay.accepted === accepted + 1, 5_000, 'the socket to open');
      await page.evaluate('window.closing = opening.close(); 0');
      relay.release();
      await page.evaluate('closing');
      expect(await page.evaluate('connecting')).toBe('unavailable');
      expect(kinds('browser-opening')).toEqual(['registered', 'unregistered']);

      await sleep(300);
      expect(relay.accepted).toBe(accepted + 1);
      expect(dash.sessions.has('browser-drop')).toBe(false);
      expect(dash.sessions.has('browser-opening')).toBe(false);
    } finally {
      await page.close();
      await relay.close();
    }
  });

  it('runs the bundled dashboard client too', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${g.httpUrl}/blank.html`);
    // The first test's tab is closed: its session times out; a Node agent takes its place.
    await until(() => dash.sessions.size === 0, 5_000, 'the closed tab to time out');
    const node = new AgentClient({ url: g.wsUrl, token: await agentToken('node-1') });
    await node.connect();
    const token = await dashboardToken('sessions:read');
    // A string, so that the test runner does not rewrite the page's `import()`.
    const result: unknown = await page.evaluate(`(async () => {
      const { DashboardClient } = await import('/sdk/pulsegate-client.js');
      const d = new DashboardClient({ url: location.origin, token: ${JSON.stringify(token)} });
      await d.connect();
      const ids = [...d.sessions.keys()];
      const refused = await d.pause(ids[0] ?? 'x').catch((e) => e.code);
      d.close();
      return { ids, refused };
    })()`);
    expect(result).toEqual({ ids: ['node-1'], refused: 'forbidden' });
    await node.close();
    await page.close();
  });
});
