import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of Pulsegate's own package.json, found from this module: it runs from
 * `server/http/` in tests and from `dist/server/http/` once built.
 */
export function packageRoot(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i += 1) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const text = readFileSync(manifest, 'utf8');
        if (/"name"\s*:\s*"pulsegate"/.test(text)) return dir;
      } catch {
        // keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
