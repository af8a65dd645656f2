import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

/**
 * Runs `script` in a fresh Node process (with `flags`) and reads the one JSON object it
 * prints, whose `keys` must all be numbers: how a benchmark measures something with nothing
 * else in the process's heap.
 *
 * @example
 * ```ts
 * const { session, id } = figuresFromChild(SELF, ['core', '1000'], ['session', 'id']);
 * ```
 */
export function figuresFromChild<K extends string>(
  script: string,
  args: readonly string[],
  keys: readonly K[],
  flags: readonly string[] = ['--expose-gc'],
): Record<K, number> {
  const name = `${basename(script)} ${args.join(' ')}`;
  const child = spawnSync(process.execPath, [...flags, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
  const parsed: unknown = JSON.parse(child.stdout);
  const fields = typeof parsed === 'object' && parsed !== null ? parsed : {};
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value: unknown = (fields as Record<string, unknown>)[key];
    if (typeof value !== 'number') throw new Error(`${name}: no number "${key}" in its output`);
    out[key] = value;
  }
  return out as Record<K, number>;
}
