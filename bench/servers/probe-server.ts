import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { JsonRecord } from '../../shared/record.js';
import { str } from '../lib/fields.js';
import { serveRpc, type Handler } from '../lib/rpc.js';

let session: Session | undefined;

/** Starts the V8 CPU profiler in this process (a window of a run, unlike `--cpu-prof`). */
async function profileStart(): Promise<JsonRecord> {
  session ??= new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {};
}

/** Stops the profiler and writes the `.cpuprofile` to `file`. */
async function profileStop(args: JsonRecord): Promise<JsonRecord> {
  if (session === undefined) throw new Error('profiler not started');
  const { profile } = await session.post('Profiler.stop');
  await writeFile(str(args, 'file'), JSON.stringify(profile));
  session.disconnect();
  session = undefined;
  return {};
}

/**
 * Answers the bench's `stats` request from inside a server process: memory (after a
 * forced collection when node runs with `--expose-gc`) and CPU time, plus whatever
 * counters the server keeps. The same probe runs in the bare servers and, loaded with
 * `node --import`, in the gateway, so both are measured the same way.
 */
export function installProbe(
  counters: () => Record<string, number> = () => ({}),
  extra: Readonly<Record<string, Handler>> = {},
): void {
  const stats = (args: JsonRecord): JsonRecord => {
    if (args['gc'] === true && typeof globalThis.gc === 'function') {
      globalThis.gc();
      globalThis.gc();
    }
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      counters: counters(),
    };
  };
  serveRpc({ stats, profileStart, profileStop, ...extra });
  // The IPC channel must not keep a server alive on its own.
  process.channel?.unref();
}
