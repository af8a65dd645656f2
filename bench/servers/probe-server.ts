import type { JsonRecord } from '../../shared/record.js';
import { serveRpc, type Handler } from '../lib/rpc.js';

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
  serveRpc({ stats, ...extra });
  // The IPC channel must not keep a server alive on its own.
  process.channel?.unref();
}
