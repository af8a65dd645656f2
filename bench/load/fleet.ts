import type { ChildProcess } from 'node:child_process';
import type { JsonRecord } from '../../shared/record.js';
import { benchScript, spawnPinned, stopChild, type Core } from '../lib/children.js';
import { asRecord, counts, num, numList, strList } from '../lib/fields.js';
import { RpcClient } from '../lib/rpc.js';

/** Parent-side handles of the load-generator processes (on core 1 unless told otherwise). */
async function startLoader(
  script: string,
  core: Core = 1,
): Promise<{ rpc: RpcClient; child: ChildProcess }> {
  const child = spawnPinned({ script: benchScript(script), core });
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => (ready = resolve));
  const rpc = new RpcClient(child, (event) => {
    if (event === 'ready') ready();
  });
  child.stdout?.resume();
  await started;
  return { rpc, child };
}

export type BeatMode = 'message' | 'ping' | 'none';

export interface ConnectReport {
  readonly opened: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

export interface AgentCounters {
  readonly sent: number;
  readonly skipped: number;
  readonly shed: number;
  readonly pongs: number;
  readonly frames: number;
  readonly open: number;
  readonly closeCodes: Readonly<Record<string, number>>;
}

/** One agents process (at most ~19,000 sockets: the per-process file limit). */
export class AgentLoader {
  private constructor(
    private readonly rpc: RpcClient,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<AgentLoader> {
    const { rpc, child } = await startLoader('../load/agents.js');
    return new AgentLoader(rpc, child);
  }

  /** Opens `count` more agents, ids `${prefix}${n}`, `concurrency` handshakes in flight. */
  async connect(port: number, count: number, prefix: string, concurrency = 200) {
    const url = `ws://127.0.0.1:${port}/v1/agent`;
    const r = await this.rpc.call('connect', { url, count, prefix, concurrency }, 600_000);
    return { opened: num(r, 'opened'), failed: num(r, 'failed'), elapsedMs: num(r, 'elapsedMs') };
  }

  /** Beats at `perSecond` in total over every open agent until told otherwise. */
  async pace(mode: BeatMode, perSecond: number): Promise<void> {
    await this.rpc.call('pace', { mode, perSecond });
  }

  async counters(): Promise<AgentCounters> {
    const r = await this.rpc.call('counters');
    return {
      sent: num(r, 'sent'),
      skipped: num(r, 'skipped'),
      shed: num(r, 'shed'),
      pongs: num(r, 'pongs'),
      frames: num(r, 'frames'),
      open: num(r, 'open'),
      closeCodes: counts(r, 'closeCodes'),
    };
  }

  /** Silences `count` agents over `spreadMs`: their ids and monotonic last-beat times. */
  async silence(count: number, spreadMs: number) {
    const r = await this.rpc.call('silence', { count, spreadMs }, spreadMs + 60_000);
    return { ids: strList(r, 'ids'), lastBeats: numList(r, 'lastBeats') };
  }

  /** Pause/resume toggles on the first `agents` agents at `perSecond` for `durationMs`. */
  async transitions(agents: number, perSecond: number, durationMs: number): Promise<number> {
    const r = await this.rpc.call('transitions', { agents, perSecond, durationMs });
    return num(r, 'sent');
  }

  /** Toggles agent `index` (pause with its send time, or resume). */
  async trigger(index: number): Promise<{ at: number; paused: boolean }> {
    const r = await this.rpc.call('trigger', { index });
    return { at: num(r, 'at'), paused: r['paused'] === true };
  }

  async close(): Promise<void> {
    await this.rpc.call('close', {}, 120_000);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}

export type DashboardClientKind = 'socket.io-client' | 'light';

export interface DashboardTake {
  readonly received: number;
  readonly kinds: Readonly<Record<string, number>>;
  readonly latencies: number[];
  readonly arrivals: JsonRecord[];
}

/** One process of Socket.IO dashboards. */
export class DashboardLoader {
  private constructor(
    private readonly rpc: RpcClient,
    private readonly child: ChildProcess,
  ) {}

  /** `core`: 1 beside the generators (dashboards as load), `any` for an observer. */
  static async start(core: Core = 1): Promise<DashboardLoader> {
    const { rpc, child } = await startLoader('../load/dashboards.js', core);
    return new DashboardLoader(rpc, child);
  }

  /** `light`: the minimal protocol client (fan-out rates); else socket.io-client. */
  async connect(port: number, count: number, client: DashboardClientKind = 'socket.io-client') {
    const url = `http://127.0.0.1:${port}`;
    const r = await this.rpc.call('connect', { url, count, concurrency: 50, client }, 300_000);
    return { opened: num(r, 'opened'), failed: num(r, 'failed'), elapsedMs: num(r, 'elapsedMs') };
  }

  async take(): Promise<DashboardTake> {
    const r = await this.rpc.call('take');
    const list = r['arrivals'];
    const arrivals = Array.isArray(list) ? (list as unknown[]).map((a) => asRecord(a)) : [];
    return {
      received: num(r, 'received'),
      kinds: counts(r, 'kinds'),
      latencies: numList(r, 'latencies'),
      arrivals,
    };
  }

  async close(): Promise<void> {
    await this.rpc.call('close');
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}

/** What one autocannon run measured (2xx per second; latency in ms). */
export interface Cannon {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** One autocannon process for the HTTP beat route. */
export class CannonLoader {
  private constructor(
    private readonly rpc: RpcClient,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<CannonLoader> {
    const { rpc, child } = await startLoader('../load/http-cannon.js');
    return new CannonLoader(rpc, child);
  }

  async run(port: number, connections: number, sessionsPerConnection: number, seconds: number) {
    const args = { port, connections, sessionsPerConnection, seconds };
    const r = await this.rpc.call('run', args, seconds * 1000 + 60_000);
    const cannon: Cannon = {
      perSecond: num(r, 'perSecond'),
      p50: num(r, 'p50'),
      p99: num(r, 'p99'),
      total: num(r, 'total'),
      non2xx: num(r, 'non2xx'),
      errors: num(r, 'errors'),
    };
    return cannon;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}
