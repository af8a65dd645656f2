import { openAgent, type TestAgent } from '../../support/agent-socket.js';
import { openDashboard, type TestDashboard } from '../../support/dashboard-socket.js';
import { agentToken, dashboardToken } from '../../support/tokens.js';

/** The beat period of test agents: well inside the 1 s timeout. */
export const BEAT_MS = 200;

/**
 * A test agent that beats on its own until told to stop, and that can move to another
 * gateway when its own dies (as an SDK would reconnect).
 */
export class BeatingAgent {
  private agent: TestAgent | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** When the last beat frame was sent (or the connection opened). */
  lastBeatAt = 0;
  /** Close codes seen, in order. */
  readonly closes: number[] = [];
  beating = true;
  /** Where to go when the connection drops without us closing it (undefined: stay dead). */
  moveTo: (() => string | undefined) | undefined;
  private closing = false;

  private constructor(
    readonly session: string,
    private readonly token: string,
  ) {}

  static async start(session: string, url: string): Promise<BeatingAgent> {
    const a = new BeatingAgent(session, await agentToken(session, { agentType: 'worker' }));
    await a.connect(url);
    return a;
  }

  async connect(url: string): Promise<void> {
    const agent = openAgent(url, this.token);
    this.agent = agent;
    await agent.opened;
    const welcome = await agent.next();
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${welcome.type}`);
    this.lastBeatAt = Date.now();
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (!this.beating || agent.ws.readyState !== agent.ws.OPEN) return;
      agent.send({ type: 'beat' });
      this.lastBeatAt = Date.now();
    }, BEAT_MS);
    void agent.closed.then(({ code }) => {
      this.closes.push(code);
      if (this.agent !== agent || this.closing) return;
      clearInterval(this.timer);
      const next = this.moveTo?.();
      if (next !== undefined && this.beating) {
        this.connect(next).catch(() => undefined);
      }
    });
  }

  send(frame: unknown): void {
    this.agent?.send(frame);
  }

  /** Stops beating; the socket stays open. */
  stop(): void {
    this.beating = false;
  }

  close(): void {
    this.closing = true;
    clearInterval(this.timer);
    this.agent?.ws.terminate();
  }
}

/**
 * A dashboard with control over every session of the default tenant, recording from the
 * first packet on (a replay arrives in the same read as the connect).
 */
export async function dashboard(
  base: string,
  since?: number,
): Promise<{ dash: TestDashboard; seen: Seen[] }> {
  const token = await dashboardToken({ control: true });
  const dash = openDashboard(base, since === undefined ? { token } : { token, since });
  const seen = record(dash);
  await new Promise<void>((resolve, reject) => {
    dash.socket.once('connect', () => resolve());
    dash.socket.once('connect_error', reject);
  });
  return { dash, seen };
}

export interface Seen {
  readonly seq: number;
  readonly kind: string;
  readonly session: string;
  readonly at: string;
  /** When this test received it. */
  readonly arrived: number;
}

/** Records every transition a dashboard receives, with its arrival time. */
export function record(dash: TestDashboard): Seen[] {
  const seen: Seen[] = [];
  dash.socket.on('transition', (t: Record<string, unknown>) => {
    const { seq, kind, session, at } = t;
    if (typeof seq !== 'number' || typeof kind !== 'string' || typeof session !== 'string') return;
    seen.push({ seq, kind, session, at: typeof at === 'string' ? at : '', arrived: Date.now() });
  });
  return seen;
}

export const kindsOf = (seen: readonly Seen[], session: string) =>
  seen.filter((t) => t.session === session).map((t) => t.kind);

/** Seqs strictly increasing by one: nothing lost, nothing twice. */
export function contiguous(seen: readonly Seen[]): boolean {
  return seen.every((t, i) => i === 0 || t.seq === (seen[i - 1]?.seq ?? 0) + 1);
}
