import type { OriginPolicy } from './context.js';

/**
 * The browser `Origin` policy of `PULSEGATE_ALLOWED_ORIGINS`: with no list every origin is
 * allowed; with a list, a browser origin outside it is refused. A request with no `Origin`
 * (a non-browser client) is always allowed.
 *
 * @example
 * ```ts
 * const origins = createOriginPolicy(['https://ops.example.com']);
 * origins.isAllowed('https://evil.example'); // false
 * origins.isAllowed(undefined); // true
 * ```
 */
export function createOriginPolicy(allowed: readonly string[] | undefined): OriginPolicy {
  if (allowed === undefined) return { isAllowed: () => true };
  const set: ReadonlySet<string> = new Set(allowed.map((o) => o.toLowerCase()));
  return {
    isAllowed(origin) {
      if (origin === undefined) return true;
      // Browsers send the bare origin; a trailing slash or case difference is not a new origin.
      return set.has(origin.trim().replace(/\/$/, '').toLowerCase());
    },
  };
}
