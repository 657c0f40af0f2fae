/** Small timing helpers for `npm run bench` (medians of repeated runs; no assertions). */
import { performance } from 'node:perf_hooks';

/** Median milliseconds per call of `fn` over `runs` runs after `warmup` untimed runs. */
export function medianMs(fn: () => unknown, runs = 50, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Nanoseconds per call of a cheap function: batches of `inner` calls, median of `runs` batches. */
export function nsPerCall(fn: (i: number) => unknown, inner = 20_000, runs = 15): number {
  let sink = 0;
  const times: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) sink ^= Number(fn(i)) | 0;
    const dt = performance.now() - t0;
    if (r >= 2) times.push((dt * 1e6) / inner);
  }
  if (sink === 0.5) console.log(sink); // keep the loop's result alive
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Prints a titled table with aligned columns. */
export function printTable(title: string, rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  console.log(`\n## ${title}\n`);
  cells.forEach((r, j) => {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (j === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

export function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;
}
