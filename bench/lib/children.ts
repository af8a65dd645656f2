import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Core 0 runs the server under test; core 1 runs every load generator. `any`: not pinned,
 * for an observer that must not queue behind a generator for its core (it times arrivals).
 */
export type Core = 0 | 1 | 'any';

let tasksetKnown: boolean | undefined;

/** Whether `taskset` can pin processes here (checked once). */
export function canPin(): boolean {
  if (tasksetKnown === undefined) {
    const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    tasksetKnown = probe.status === 0;
    if (!tasksetKnown) console.warn('bench: taskset unavailable, processes are not pinned');
  }
  return tasksetKnown;
}

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

// A bench interrupted half-way must not leave 19,000 sockets or a gateway behind.
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

// Children always run compiled JS: from the TypeScript source (under vitest) the
// compiled twin of this directory is dist/bench/lib/.
const compiledLib = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/bench/lib/', import.meta.url)
  : new URL('./', import.meta.url);

/** Path of a compiled bench module relative to bench/lib, e.g. `../load/agents.js`. */
export function benchScript(relative: string): string {
  return fileURLToPath(new URL(relative, compiledLib));
}

export interface SpawnOptions {
  /** Compiled script to run with node. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly core: Core;
  readonly nodeFlags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Forward the child's stderr to ours (stdout is always piped for the caller). */
  readonly showStderr?: boolean;
}

/** Starts node on one core (or any) with an IPC channel; the child is killed when we exit. */
export function spawnPinned(options: SpawnOptions): ChildProcess {
  hookExit();
  const nodeArgs = [...(options.nodeFlags ?? []), options.script, ...(options.args ?? [])];
  const [command, args] =
    options.core !== 'any' && canPin()
      ? ['taskset', ['-c', String(options.core), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', options.showStderr === false ? 'ignore' : 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Number of children still running (a bench ends with zero). */
export function liveChildren(): number {
  return live.size;
}
