/**
 * The soak's gateway: the built `createGateway` in a child process of its own (so that its
 * memory is its own), on 127.0.0.1 port 0, with a probe that reports post-GC heap and RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');

export interface SoakGatewayOptions {
  readonly secret: string;
  readonly timeoutMs: number;
  readonly checkIntervalMs: number;
  readonly maxMissedBeats: number;
  /** Event-log retention: shorter than the warm-up, so it is full before memory is judged. */
  readonly retainMs: number;
}

export interface MemorySample {
  readonly atMs: number;
  readonly heapUsed: number;
  readonly rss: number;
}

export class SoakGateway {
  private lines: string[] = [];
  private waiters: ((line: string) => void)[] = [];
  private inFlight: Promise<MemorySample | undefined> | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    lines: string[],
  ) {
    this.lines = lines;
  }

  static async start(options: SoakGatewayOptions): Promise<SoakGateway> {
    const gatewayUrl = pathToFileURL(join(ROOT, 'dist', 'server', 'gateway.js')).href;
    const script = `
      import { createGateway } from ${JSON.stringify(gatewayUrl)};
      const gateway = await createGateway({
        config: {
          host: '127.0.0.1', port: 0, logLevel: 'warn',
          jwtSecret: ${JSON.stringify(options.secret)},
          timeoutMs: ${options.timeoutMs}, checkIntervalMs: ${options.checkIntervalMs},
          maxMissedBeats: ${options.maxMissedBeats},
        },
        // One source address opens every agent: the per-IP rate is not what is soaked.
        limits: { upgradeRatePerIp: 1000000, upgradeBurstPerIp: 1000000, retainMs: ${options.retainMs} },
      });
      process.stdout.write(JSON.stringify({ msg: 'soak-listening', port: gateway.address().port }) + '\\n');
      process.once('SIGTERM', () => gateway.close().then(() => process.exit(0)));
      // The soak owns this process: when it goes (even killed), so does the gateway.
      process.stdin.once('end', () => process.exit(0));
      process.stdin.resume();
    `;
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        pathToFileURL(join(ROOT, 'soak', 'gc-probe.mjs')).href,
        '--input-type=module',
        '-e',
        script,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    let partial = '';
    // Lines read before the instance exists go nowhere: the probe is not asked yet.
    const sink: { gateway?: SoakGateway } = {};
    const port = new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the soak gateway exited (${code})`)));
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          const m = /"msg":"soak-listening","port":(\d+)/.exec(line);
          if (m) resolve(Number(m[1]));
          lines.push(line);
          sink.gateway?.deliver(line);
        }
      });
    });
    sink.gateway = new SoakGateway(child, await port, lines);
    return sink.gateway;
  }

  /** Lines the gateway logged at warn and above (slow-reader cuts, errors). */
  logged(): string[] {
    return this.lines.filter((l) => l.includes('"level":'));
  }

  /**
   * Asks the probe for a post-GC sample; `undefined` if none came within 10 s. One at a
   * time: signals sent faster than the process takes them merge into one.
   */
  sample(startedAt: number): Promise<MemorySample | undefined> {
    this.inFlight ??= this.ask(startedAt).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async ask(startedAt: number): Promise<MemorySample | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const line = new Promise<string | undefined>((resolve) => {
      this.waiters = [resolve];
      timer = setTimeout(() => resolve(undefined), 10_000);
    });
    this.child.kill('SIGUSR2');
    const text = await line;
    clearTimeout(timer);
    this.waiters = [];
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as { heapUsed: number; rss: number };
    return { atMs: Date.now() - startedAt, heapUsed: parsed.heapUsed, rss: parsed.rss };
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  private deliver(line: string): void {
    if (!line.includes('"msg":"soak-memory"')) return;
    this.waiters.shift()?.(line);
  }
}
