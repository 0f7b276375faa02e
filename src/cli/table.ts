import type TableType from 'cli-table3';

/**
 * A borderless, left-aligned table in the style of `kubectl get` and `consul members`: an
 * upper-case header row, columns two spaces apart, no colour (output is read by `grep` and
 * `awk` as often as by eyes). cli-table3 does the width arithmetic, including wide characters
 * in names and tags.
 */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  // Required here, not at the top: every command's module is loaded by `g2g start` too, and a
  // running node never draws a table.
  const Table = require('cli-table3') as typeof TableType;
  const table = new Table({
    head: [...header],
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const row of rows) table.push([...row]);
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** `3h12m`, `45s`, `2d4h`: time left until `atMs` in the two largest units, or `expired`. */
export function timeLeft(atMs: number, nowMs: number): string {
  const left = atMs - nowMs;
  if (left <= 0) return 'expired';
  return shortSpan(left);
}

/** A span as its two largest units: 90061000 → `1d1h`, 59000 → `59s`. */
export function shortSpan(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(`${n}${unit}`);
      rest -= n * size;
    }
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join('') : `${Math.max(0, Math.round(ms))}ms`;
}
