import type { Clock } from './types.js';

/** Wall-clock time in epoch milliseconds: the production clock, injected into the core. */
export const systemClock: Clock = Object.freeze({ now: (): number => Date.now() });
