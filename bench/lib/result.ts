import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One measured figure and the bare library's figure it is compared with. */
export interface ResultRow {
  readonly metric: string;
  readonly unit: string;
  /** Sample count (connections, beats, deliveries...) behind the figure. */
  readonly n: number;
  readonly value: number;
  readonly baseline: string | null;
  readonly baselineValue: number | null;
}

/** The file `bench/results/NAME.json`. */
export interface BenchResult {
  readonly name: string;
  readonly node: string;
  readonly results: ResultRow[];
}

/** A row plus what the issue asks of its ratio (printed, not written). */
export interface Figure extends ResultRow {
  /** `ratio <= 1.5` (value / baselineValue) or `value <= 20` (the figure itself). */
  readonly target?: string;
}

export function figure(
  metric: string,
  unit: string,
  n: number,
  value: number,
  baseline?: { name: string; value: number; target?: string },
  target = baseline?.target,
): Figure {
  return {
    metric,
    unit,
    n,
    value,
    baseline: baseline?.name ?? null,
    baselineValue: baseline?.value ?? null,
    ...(target === undefined ? {} : { target }),
  };
}

export function ratioOf(row: ResultRow): number | undefined {
  if (row.baselineValue === null || row.baselineValue === 0) return undefined;
  return row.value / row.baselineValue;
}

/** Whether a row meets its target ratio; undefined without one. */
export function meets(row: Figure): boolean | undefined {
  const m = row.target === undefined ? null : /^(ratio|value) (<=|>=) ([0-9.]+)$/.exec(row.target);
  if (m === null || m[3] === undefined) return undefined;
  const x = m[1] === 'ratio' ? ratioOf(row) : row.value;
  if (x === undefined || !Number.isFinite(x)) return false;
  const bound = Number(m[3]);
  return m[2] === '<=' ? x <= bound : x >= bound;
}

const fmt = (v: number | null): string =>
  v === null || !Number.isFinite(v)
    ? '-'
    : Math.abs(v) >= 100
      ? Math.round(v).toLocaleString('en-US')
      : v.toFixed(2);

/** Prints the figures of one bench as an aligned table with ratios and targets. */
export function printFigures(name: string, figures: readonly Figure[]): void {
  const header = ['metric', 'value', 'unit', 'baseline', 'base value', 'ratio', 'target', 'n'];
  const rows = figures.map((f) => {
    const ratio = ratioOf(f);
    const ok = meets(f);
    return [
      f.metric,
      fmt(f.value),
      f.unit,
      f.baseline ?? '-',
      fmt(f.baselineValue),
      ratio === undefined ? '-' : ratio.toFixed(2),
      f.target === undefined ? '-' : `${f.target} ${ok === true ? 'ok' : 'MISSED'}`,
      String(f.n),
    ];
  });
  if (process.env['PULSEGATE_BENCH_MARKDOWN'] === '1') {
    // For docs/performance.md: the same table as Markdown.
    console.log(`\n### ${name}\n`);
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(`\n== ${name}`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** `bench/results` of the source tree, whether this runs from dist/ or from source. */
export const RESULTS_DIR = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? '../results/' : '../../../bench/results/',
    import.meta.url,
  ),
);

/** Writes `NAME.json` in the documented shape (targets stay in the printed table). */
export function writeResult(
  name: string,
  figures: readonly Figure[],
  dir = RESULTS_DIR,
): BenchResult {
  const result: BenchResult = {
    name,
    node: process.version,
    results: figures.map(({ metric, unit, n, value, baseline, baselineValue }) => ({
      metric,
      unit,
      n,
      value,
      baseline,
      baselineValue,
    })),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
