/**
 * Milliseconds on CLOCK_MONOTONIC. Every bench process on the machine reads the same
 * clock, so a time taken in a load generator and one taken in a dashboard process can
 * be subtracted (Date.now() is wall time and only has millisecond resolution).
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
