/**
 * Lists of generated names, shortened for a terminal without losing any: names that differ only in one
 * number (Shard00 … Shard63, OAuthProbe-2 … OAuthProbe-40) and run in unbroken sequence are written as
 * the first and the last of the run. `validate` prints a 1,000-probe fleet's 103 nested stacks and 120
 * dashboards this way in a few lines instead of several screens.
 */

/** Runs shorter than this are listed as they are. */
const MIN_RUN = 3;

/** `Shard00, Shard01, Shard02, Shard07` → `Shard00 … Shard02, Shard07`; first-seen order of each name shape kept. */
export function compactNames(names: readonly string[]): string[] {
  const shapes = new Map<string, { name: string; n: number }[]>();
  const order: (string | { shape: string })[] = [];
  for (const name of names) {
    const match = /^(.*?)(\d+)(\D*)$/.exec(name);
    if (!match) {
      order.push(name);
      continue;
    }
    const shape = `${match[1]}#${match[3]}`;
    if (!shapes.has(shape)) {
      shapes.set(shape, []);
      order.push({ shape });
    }
    shapes.get(shape)!.push({ name, n: Number(match[2]) });
  }
  return order.flatMap((entry) => (typeof entry === 'string' ? [entry] : runs(shapes.get(entry.shape)!)));
}

function runs(members: { name: string; n: number }[]): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i <= members.length; i += 1) {
    if (i < members.length && members[i]!.n === members[i - 1]!.n + 1) continue;
    const run = members.slice(start, i);
    out.push(...(run.length >= MIN_RUN ? [`${run[0]!.name} … ${run.at(-1)!.name}`] : run.map((m) => m.name)));
    start = i;
  }
  return out;
}
