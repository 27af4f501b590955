/**
 * The public API as docs/deploy.md documents it (the table between `<!-- public-api:start -->` and
 * `<!-- public-api:end -->`): per entry point of the package, the values and the types it exports. Read
 * by the pack check (imports and type-checks each from the packed package) and by
 * test/cdk/public-api.test.ts (each from the sources), so the documented list is what is checked.
 */

/** The page with the public-api table, relative to the repository root. */
export const API_DOC = 'docs/deploy.md';

/**
 * @param {string} readme the text of API_DOC
 * @returns {{ specifier: string, values: string[], types: string[] }[]}
 */
export function documentedApi(readme) {
  const block = readme.split('<!-- public-api:start -->')[1]?.split('<!-- public-api:end -->')[0];
  if (block === undefined)
    throw new Error(`${API_DOC} has no <!-- public-api:start --> ... <!-- public-api:end --> table`);
  const entries = [];
  for (const line of block.split('\n')) {
    const row = /^\| `(oauth-probe[^`]*)` \| (.*) \|$/.exec(line.trim());
    if (!row) continue;
    const names = [...row[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    entries.push({
      specifier: row[1],
      values: names.filter((name) => !name.startsWith('type ')),
      types: names.filter((name) => name.startsWith('type ')).map((name) => name.slice('type '.length)),
    });
  }
  if (entries.length === 0) throw new Error(`the public-api table of ${API_DOC} lists no entry point`);
  return entries;
}

/** `oauth-probe/cdk` → `./cdk` (the key of package.json `exports`). */
export function exportKey(specifier) {
  return specifier === 'oauth-probe' ? '.' : `.${specifier.slice('oauth-probe'.length)}`;
}
