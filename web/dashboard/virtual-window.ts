/**
 * Which rows of a fixed-row-height list are visible. Only those are put in the DOM;
 * two spacers stand in for the rest so the scroll bar keeps its true size.
 */
export interface VirtualWindow {
  /** First rendered row (inclusive). */
  readonly start: number;
  /** Last rendered row (exclusive). */
  readonly end: number;
  /** Height of the spacer before the first rendered row, in px. */
  readonly padTop: number;
  /** Height of the spacer after the last rendered row, in px. */
  readonly padBottom: number;
}

export interface ViewportInput {
  readonly scrollTop: number;
  readonly viewportHeight: number;
  readonly rowHeight: number;
  readonly rowCount: number;
  /** Extra rows rendered above and below, so fast scrolling shows no blank. */
  readonly overscan: number;
}

/**
 * @example
 * ```ts
 * visibleWindow({ scrollTop: 320, viewportHeight: 640, rowHeight: 32, rowCount: 10_000, overscan: 5 });
 * // { start: 5, end: 36, padTop: 160, padBottom: 318_848 }
 * ```
 */
export function visibleWindow(input: ViewportInput): VirtualWindow {
  const { rowHeight, rowCount, overscan } = input;
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const maxScroll = Math.max(0, rowCount * rowHeight - input.viewportHeight);
  const scrollTop = clamp(input.scrollTop, 0, maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = clamp(first - overscan, 0, rowCount);
  const end = clamp(first + visible + overscan, start, rowCount);
  return {
    start,
    end,
    padTop: start * rowHeight,
    padBottom: (rowCount - end) * rowHeight,
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
