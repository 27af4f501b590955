/**
 * "Did you mean client_id?": the known name a mistyped one most likely meant. Spelling conventions
 * (`clientId`, `client-id`, `CLIENT_ID`) match exactly once case and separators are ignored; other
 * typos (`client_secert`, `us-east-7`) within a small edit distance. Used for secret fields and AWS
 * region names. Hand-written (a dozen lines of Levenshtein) rather than a dependency: it runs in the
 * Lambda bundle.
 *
 * A leaf module: it imports nothing.
 */

/** The closest of `known` to `name`, or undefined when none is close enough to be a likely typo. */
export function nearMiss(name: string, known: readonly string[]): string | undefined {
  const folded = fold(name);
  if (folded.length === 0) return undefined;
  const exact = known.find((candidate) => fold(candidate) === folded && candidate !== name);
  if (exact) return exact;
  // One edit in four characters, at most two: `clinet_id` → client_id, but not `id` → key_id.
  const budget = Math.min(2, Math.floor(folded.length / 4));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = editDistance(folded, fold(candidate));
    if (distance <= budget && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Lower case without `_`, `-`, `.` and spaces: the spelling conventions people mix up. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours is one edit. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
