/**
 * "Did you mean" for keys and names: the closest candidate by edit distance (case-insensitive,
 * an adjacent swap counts as one edit, a shared prefix such as `SCMP_ACT_` does not make two names
 * close, and a missing prefix such as `ALLOW` for `SCMP_ACT_ALLOW` counts as close).
 */

/** Optimal-string-alignment distance, capped: returns `max + 1` once the distance exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(rows[i - 1][j] + 1, cur[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    rows.push(cur);
  }
  return rows[a.length][b.length];
}

/** The candidate closest to `word`, or undefined when none is close enough. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) return c;
    if (w.length > 0 && (lc.endsWith(`_${w}`) || w.endsWith(`_${lc}`))) {
      if (bestD > 0.5) {
        best = c;
        bestD = 0.5;
      }
      continue;
    }
    // One is the other plus a tail (`SCMP_CMP_EQUAL` for `SCMP_CMP_EQ`, `arg` for `args`).
    if (Math.min(w.length, lc.length) >= 3 && (w.startsWith(lc) || lc.startsWith(w))) {
      if (bestD > 1) {
        best = c;
        bestD = 1;
      }
      continue;
    }
    let p = 0;
    while (p < w.length && p < lc.length && w[p] === lc[p]) p++;
    const a = w.slice(p);
    const b = lc.slice(p);
    const limit = Math.max(1, Math.min(3, Math.floor(Math.max(a.length, b.length) / 3)));
    const d = editDistance(a, b, limit);
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
