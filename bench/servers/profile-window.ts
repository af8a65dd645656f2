import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerHandle } from './launch.js';

/**
 * Runs `fn` with the server's CPU profiler on when `PULSEGATE_BENCH_PROFILE_DIR` is
 * set, writing `<dir>/<name>-<server>.cpuprofile`. Profiling slows the server: figures
 * from a profiled run are for reading the profile, not for publishing.
 */
export async function profiled<T>(server: ServerHandle, name: string, fn: () => Promise<T>) {
  const dir = process.env['PULSEGATE_BENCH_PROFILE_DIR'];
  if (dir === undefined || dir === '') return fn();
  mkdirSync(dir, { recursive: true });
  await server.profileStart();
  try {
    return await fn();
  } finally {
    const label = server.label.replace(/[^A-Za-z0-9]+/g, '-');
    await server.profileStop(join(dir, `${name}-${label}.cpuprofile`));
  }
}
