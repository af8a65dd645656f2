import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_SECONDS } from '../../server/auth/index.js';
import { connectDashboard, refusedDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness } from '../support/harness.js';
import { expiryIn, sign } from '../support/tokens.js';

/** The verifier's clock tolerance: a token is accepted until `exp` plus this. */
const TOLERANCE_MS = CLOCK_TOLERANCE_SECONDS * 1000;

describe('dashboard token expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: { timeoutMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('keeps a dashboard accepted inside the tolerance until exp + tolerance, then drops it', async () => {
    // `exp` at least 2 s past, `exp + tolerance` 1 to 2 s ahead.
    const exp = expiryIn(1000) - TOLERANCE_MS;
    expect(exp).toBeLessThan(Date.now() - 1000);
    const token = await sign({ sub: 'ops-grace', scope: 'sessions:read', expiresAt: exp });
    const dash = await connectDashboard(h.baseUrl, { token });
    await dash.next('snapshot');
    const dropped = new Promise<string>((resolve) => dash.socket.once('disconnect', resolve));
    // A working connection, not one dropped right after its snapshot.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await dash.command('list', {})).toMatchObject({ ok: true });
    expect(Date.now()).toBeLessThan(exp + TOLERANCE_MS);
    expect(await dropped).toBe('transport close');
    expect(Date.now()).toBeGreaterThanOrEqual(exp + TOLERANCE_MS - 5);
    expect(Date.now()).toBeLessThan(exp + TOLERANCE_MS + 1000);
    await h.logs.waitFor((l) => l.msg === 'dashboard token expired' && l['user'] === 'ops-grace');
  });

  it('a reconnecting client connects once, and is refused (unauthorized) once dropped', async () => {
    const exp = expiryIn(500) - TOLERANCE_MS;
    const token = await sign({ sub: 'ops-loop', scope: 'sessions:read', expiresAt: exp });
    const socket = io(`${h.baseUrl}/dashboard`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 50,
    });
    let connects = 0;
    socket.on('connect', () => connects++);
    try {
      const refusal = await new Promise<string>((resolve) =>
        socket.on('connect_error', (err) => resolve(err.message)),
      );
      expect(refusal).toBe('unauthorized');
      expect(Date.now()).toBeGreaterThanOrEqual(exp + TOLERANCE_MS - 5);
      expect(connects).toBe(1);
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a token past exp + tolerance with unauthorized', async () => {
    const exp = Math.floor(Date.now() / 1000) * 1000 - TOLERANCE_MS - 1000;
    const token = await sign({ sub: 'ops-late', scope: 'sessions:read', expiresAt: exp });
    expect(await refusedDashboard(h.baseUrl, { token })).toBe('unauthorized');
  });
});
