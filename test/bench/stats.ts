/**
 * Summary statistics for benchmark samples. Percentiles are nearest-rank (the smallest sample
 * such that at least p % of the samples are ≤ it), so every reported figure is a value that was
 * actually measured; with 20 samples p95 is the 19th smallest.
 */

export interface Summary {
  n: number;
  min: number;
  median: number;
  mean: number;
  p95: number;
  p99: number;
  max: number;
}

function sorted(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples).sort();
}

export function percentile(samples: ArrayLike<number>, p: number): number {
  return percentileOfSorted(sorted(samples), p);
}

function percentileOfSorted(s: Float64Array, p: number): number {
  if (s.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1]!;
}

export function median(samples: ArrayLike<number>): number {
  const s = sorted(samples);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const s = sorted(samples);
  let sum = 0;
  for (const v of s) sum += v;
  const mid = s.length >> 1;
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    median: s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
    mean: s.length === 0 ? Number.NaN : sum / s.length,
    p95: percentileOfSorted(s, 95),
    p99: percentileOfSorted(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** `value` rounded to `digits` decimals, for tables and JSON that people read. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A plain text table: the first row is the header; columns are padded to their widest cell. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
