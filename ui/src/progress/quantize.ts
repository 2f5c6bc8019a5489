/**
 * The position (µs) the progress bar shows: `positionUs` rounded down to what can be seen, one
 * pixel of a `widthPx`-wide bar for a song of `durationUs`, and never finer than 50 ms nor
 * coarser than the clock's second (the elapsed time is shown in seconds).
 */
export function quantize(positionUs: number, durationUs: number | null, widthPx: number): number {
  const step = quantumUs(durationUs, widthPx);
  return Math.max(0, Math.floor(positionUs / step) * step);
}

/** The step `quantize` rounds to, µs. */
export function quantumUs(durationUs: number | null, widthPx: number): number {
  const second = 1_000_000;
  return durationUs != null && durationUs > 0 && widthPx > 0
    ? Math.min(second, Math.max(50_000, durationUs / widthPx))
    : second;
}
