/**
 * A load-generator process of Socket.IO dashboards (namespace `/dashboard`, websocket
 * transport), either `socket.io-client` or the light client of `light-dashboard.ts`
 * (for fan-out rates that would saturate socket.io-client's core). It timestamps every `transition` on arrival with the monotonic clock and
 * keeps what its parent asks for: latencies of pauses that carry their send time in
 * `reason` (`t=<ms>`), and arrivals of `warning`/`timeout` for lateness.
 */
import { io, type Socket } from 'socket.io-client';
import { isJsonRecord, type JsonRecord } from '../../shared/record.js';
import { monoMs } from '../lib/clock.js';
import { num, str } from '../lib/fields.js';
import { serveRpc } from '../lib/rpc.js';
import { dashboardToken } from '../lib/tokens.js';
import { EVENT_PREFIX, openLight, type LightDashboard } from './light-dashboard.js';

/** Bounds what one process keeps between two `take`s. */
const MAX_SAMPLES = 2_000_000;
const WATCHED = new Set(['warning', 'missed', 'timeout']);
const CONNECT_TIMEOUT_MS = 30_000;

const sockets: Socket[] = [];
const lights: LightDashboard[] = [];
const latencies: number[] = [];
const arrivals: JsonRecord[] = [];
const kinds: Record<string, number> = {};
let received = 0;
let snapshots = 0;

function recordWatched(kind: string, payload: unknown, arrived: number): void {
  if (!WATCHED.has(kind) || arrivals.length >= MAX_SAMPLES || !isJsonRecord(payload)) return;
  arrivals.push({
    kind,
    session: String(payload['session']),
    missedBeats: typeof payload['missedBeats'] === 'number' ? payload['missedBeats'] : -1,
    at: typeof payload['at'] === 'string' ? Date.parse(payload['at']) : Number.NaN,
    arrivedMono: arrived,
    arrivedWall: Date.now(),
  });
}

function onTransition(payload: unknown): void {
  const arrived = monoMs();
  received++;
  if (!isJsonRecord(payload)) return;
  const kind = typeof payload['kind'] === 'string' ? payload['kind'] : '?';
  kinds[kind] = (kinds[kind] ?? 0) + 1;
  const reason = payload['reason'];
  if (typeof reason === 'string' && reason.startsWith('t=') && latencies.length < MAX_SAMPLES) {
    latencies.push(arrived - Number(reason.slice(2)));
  }
  recordWatched(kind, payload, arrived);
}

const TRANSITION_PACKET = `${EVENT_PREFIX}"transition",`;
const KIND = '"kind":"';
const TIMED_REASON = '"reason":"t=';

/** The light client's path: fields found by search; JSON parsed only for watched kinds. */
function onEventText(text: string): void {
  const arrived = monoMs();
  if (!text.startsWith(TRANSITION_PACKET)) {
    if (text.startsWith(`${EVENT_PREFIX}"snapshot"`)) snapshots++;
    return;
  }
  received++;
  const k = text.indexOf(KIND);
  const kind = k < 0 ? '?' : text.slice(k + KIND.length, text.indexOf('"', k + KIND.length));
  kinds[kind] = (kinds[kind] ?? 0) + 1;
  const r = text.indexOf(TIMED_REASON);
  if (r >= 0 && latencies.length < MAX_SAMPLES) {
    const from = r + TIMED_REASON.length;
    latencies.push(arrived - Number(text.slice(from, text.indexOf('"', from))));
  }
  if (WATCHED.has(kind)) {
    const payload: unknown = JSON.parse(text.slice(TRANSITION_PACKET.length, -1));
    recordWatched(kind, payload, arrived);
  }
}

function openOne(url: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(`${url}/dashboard`, {
      transports: ['websocket'],
      auth: { token },
      forceNew: true,
      reconnection: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    sockets.push(socket);
    socket.on('transition', onTransition);
    socket.on('snapshot', () => snapshots++);
    // Socket.IO may stay silent when the server drops a handshake: give up by ourselves.
    const timer = setTimeout(() => {
      socket.disconnect();
      resolve(false);
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('connect_error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

async function openLightOne(url: string, token: string, index: number): Promise<boolean> {
  const light = await openLight(url, token, index, onEventText, CONNECT_TIMEOUT_MS);
  if (light !== undefined) lights.push(light);
  return light !== undefined;
}

async function connect(args: JsonRecord): Promise<JsonRecord> {
  const url = str(args, 'url');
  const count = num(args, 'count');
  const concurrency = num(args, 'concurrency');
  const light = args['client'] === 'light';
  const token = await dashboardToken('bench-dashboard');
  let started = 0;
  let opened = 0;
  const t0 = monoMs();
  const worker = async () => {
    while (started < count) {
      const index = started++;
      if (await (light ? openLightOne(url, token, index) : openOne(url, token))) opened++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { opened, failed: count - opened, elapsedMs: monoMs() - t0 };
}

/** Hands over (and forgets) what arrived since the last `take`. */
function take(): JsonRecord {
  const out = {
    received,
    snapshots,
    kinds: { ...kinds },
    latencies: latencies.splice(0),
    arrivals: arrivals.splice(0),
  };
  received = 0;
  for (const k of Object.keys(kinds)) delete kinds[k];
  return out;
}

function closeAll(): JsonRecord {
  for (const s of sockets) s.disconnect();
  for (const l of lights) l.close();
  sockets.length = 0;
  lights.length = 0;
  return {};
}

serveRpc({
  connect,
  take,
  close: closeAll,
});
process.send?.({ event: 'ready', data: {} });
