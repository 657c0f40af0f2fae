/**
 * "Did you mean" for keys and names: the closest candidate by edit distance (case-insensitive,
 * plural/singular and a missing `SCMP_ACT_`-style prefix count as close).
 */

/** Levenshtein distance, capped: returns `max + 1` as soon as the distance exceeds `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate closest to `word`, or undefined when none is close enough. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (lc === w) return c;
    // A known prefix left out (`ALLOW` for `SCMP_ACT_ALLOW`) or added.
    if (lc.endsWith(`_${w}`) || w.endsWith(`_${lc}`)) {
      if (bestD > 0.5) {
        best = c;
        bestD = 0.5;
      }
      continue;
    }
    const limit = Math.max(1, Math.min(3, Math.floor(Math.max(w.length, lc.length) / 3)));
    const d = editDistance(w, lc, limit);
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
