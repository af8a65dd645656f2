/**
 * `PULSEGATE_BENCH_SCALE` (0 < s <= 1, default 1) shrinks counts and durations
 * together, for smoke runs and the load tools' own tests. Published figures use 1.
 */
export function benchScale(): number {
  const raw = process.env['PULSEGATE_BENCH_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new Error('PULSEGATE_BENCH_SCALE must be a number in (0, 1]');
  }
  return value;
}

/** `n` scaled, at least `min`. */
export function scaled(n: number, min = 1): number {
  return Math.max(min, Math.round(n * benchScale()));
}
