import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard } from '../support/dashboard-socket.js';
import { startHarness, type Harness, type LogLine } from '../support/harness.js';
import { stalledDashboard } from '../support/stalled-dashboard.js';
import { dashboardToken } from '../support/tokens.js';

/**
 * Every byte queued to a dashboard counts against `dashboardBufferBytes`, not only live
 * transitions: a dashboard that never reads and keeps asking for `list` (each ack carries
 * every session of the tenant) is cut, and what the gateway held for it stays within the
 * limit plus a reply or two. A reply larger than the limit on its own still reaches a
 * dashboard that reads.
 */

const LIMIT = 256 * 1024;
/** Tenant `acme`: a `list` ack of about 40 KB, well under the limit. */
const SESSIONS = 100;
/** Tenant `big`: a snapshot and a `list` ack of about 390 KB each, over the limit. */
const BIG = 1_000;
const CUT = 'dashboard disconnected: reads too slowly';

/** A raw Engine.IO polling dashboard: `get` polls, `post` sends packets. */
async function pollingDashboard(baseUrl: string, token: string) {
  const url = `${baseUrl}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(url)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const session = `${url}&sid=${encodeURIComponent(sid)}`;
  const post = (packets: string[]) =>
    fetch(session, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: packets.join('\x1e'),
    });
  const get = async () => (await fetch(session)).text();
  await post([`40/dashboard,${JSON.stringify({ token })}`]);
  for (let polls = 0; polls < 10; polls++) if ((await get()).includes('["snapshot"')) break;
  return { post, get };
}

/** The cut's log line, or `undefined` if it has not come within a second. */
function soon(cut: Promise<LogLine>): Promise<LogLine | undefined> {
  const late = new Promise<undefined>((resolve) => setTimeout(resolve, 1_000));
  return Promise.race([cut, late]);
}

/** The cut's figures: what was queued, and the largest single reply among it. */
function figures(line: LogLine | undefined): { bytes: number; reply: number } {
  expect(line, 'the dashboard was cut').toBeDefined();
  return { bytes: Number(line?.['bytes']), reply: Number(line?.['reply']) };
}

describe('replies count against the dashboard buffer limit', () => {
  let h: Harness;
  /** Characters of one `list` ack of `acme` as queued (`43/dashboard,<id>[...]`). */
  let listBytes: number;
  // One `list` reply as measured, plus what grows between two of them: each session's
  // `msSinceBeat` (a few more digits) and the ack id. A bound, not an estimate.
  const replyBound = () => listBytes + SESSIONS * 8 + 64;
  beforeAll(async () => {
    h = await startHarness({
      policy: { timeoutMs: 600_000 },
      // Commands are not rate limited here: the buffer limit alone must stop the flood.
      limits: {
        dashboardBufferBytes: LIMIT,
        dashboardRatePerSecond: 100_000,
        dashboardRateBurst: 100_000,
      },
    });
    for (let i = 0; i < SESSIONS; i++) {
      h.monitor.register(`rb-${i}`, 'worker', { tenant: 'acme', status: 's'.repeat(120) });
    }
    for (let i = 0; i < BIG; i++) {
      h.monitor.register(`rb-big-${i}`, 'worker', { tenant: 'big', status: 's'.repeat(120) });
    }
  });
  afterAll(() => h.close());

  it('a reading dashboard gets a snapshot and list replies each larger than the limit', async () => {
    const reader = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'big' }),
    });
    const snapshot = await reader.next('snapshot');
    expect((snapshot['sessions'] as unknown[]).length).toBe(BIG);
    expect(JSON.stringify(snapshot).length).toBeGreaterThan(LIMIT);
    for (let i = 0; i < 5; i++) {
      const ack = await reader.command('list', {});
      expect((ack['sessions'] as unknown[]).length).toBe(BIG);
    }
    expect(reader.socket.connected).toBe(true);
    expect(h.logs.lines.some((l) => l.msg === CUT)).toBe(false);
    reader.close();

    const small = await connectDashboard(h.baseUrl, {
      token: await dashboardToken({ tenant: 'acme' }),
    });
    const ack = await small.command('list', {});
    expect((ack['sessions'] as unknown[]).length).toBe(SESSIONS);
    listBytes = JSON.stringify([ack]).length + '43/dashboard,0'.length + 1;
    expect(listBytes).toBeLessThan(LIMIT / 4);
    small.close();
  });

  it('a WebSocket dashboard that never reads and spams `list` is cut, its queue bounded', async () => {
    const token = await dashboardToken({ tenant: 'acme', user: 'rb-ws' });
    const stalled = await stalledDashboard(h.port, token);
    const closed = new Promise<void>((resolve) => stalled.ws.once('close', () => resolve()));
    const cut = h.logs.waitFor((l) => l.msg === CUT && l['user'] === 'rb-ws');
    let cutSeen = false;
    void cut.then(() => (cutSeen = true));

    // The kernel's socket buffers (several MB on loopback) fill first, then Engine.IO's.
    let sent = 0;
    // Two at a time: a dashboard that reads would keep up.
    for (let batch = 0; batch < 1_000 && !cutSeen; batch++) {
      for (let i = 0; i < 2; i++, sent++) stalled.ws.send(`42/dashboard,${sent}["list",{}]`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const { bytes, reply } = figures(await soon(cut));
    // Past the limit, not counting the largest reply; at most the limit, that reply and
    // the one that crossed the limit: the gateway's memory for it is bounded.
    expect(bytes - reply).toBeGreaterThan(LIMIT);
    expect(reply).toBeLessThanOrEqual(replyBound());
    expect(bytes).toBeLessThanOrEqual(LIMIT + 2 * replyBound());
    await h.logs.waitFor((l) => l.msg === 'dashboard disconnected' && l['user'] === 'rb-ws');
    expect(await h.connections('dashboard')).toBe(0);
    stalled.tcp?.resume();
    await closed;
  });

  it('a polling dashboard that posts `list` and never polls is cut, its queue bounded', async () => {
    const token = await dashboardToken({ tenant: 'acme', user: 'rb-poll' });
    const dash = await pollingDashboard(h.baseUrl, token);
    const cut = h.logs.waitFor((l) => l.msg === CUT && l['user'] === 'rb-poll');
    let cutSeen = false;
    void cut.then(() => (cutSeen = true));

    // Nothing is taken from the write buffer without a poll: every reply stays queued.
    let sent = 0;
    let refused = false;
    for (let post = 0; post < 100 && !cutSeen && !refused; post++) {
      const packets = [0, 1].map(() => `42/dashboard,${sent++}["list",{}]`);
      refused = !(await dash.post(packets)).ok;
    }
    const { bytes, reply } = figures(await soon(cut));
    expect(bytes - reply).toBeGreaterThan(LIMIT);
    expect(bytes).toBeLessThanOrEqual(LIMIT + 2 * replyBound());
    // The limit is reached within a few replies: the kernel holds nothing for a poller.
    expect(sent).toBeLessThanOrEqual(Math.ceil(LIMIT / listBytes) + 4);
    await h.logs.waitFor((l) => l.msg === 'dashboard disconnected' && l['user'] === 'rb-poll');
    expect(await h.connections('dashboard')).toBe(0);
    // Its session is gone: a later post is refused, and builds no reply.
    expect((await dash.post([`42/dashboard,${sent}["list",{}]`])).ok).toBe(false);
  });
});
