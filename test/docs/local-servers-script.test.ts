/**
 * The complete script in docs/local-servers.md, run as written: saved as a .mjs file in an empty folder
 * outside the repository and run with plain node, the clone's path in OAUTH_PROBE_DIR.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const MARKER = '<!-- docs-test: test/docs/local-servers-script.test.ts';

/** The first fenced block after the marker line. */
function scriptAfterMarker(markdown: string): string {
  const at = markdown.indexOf(MARKER);
  if (at < 0) throw new Error('docs/local-servers.md lost its docs-test marker');
  const block = /```js\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!block?.[1]) throw new Error('no ```js block after the docs-test marker');
  return block[1];
}

describe('docs/local-servers.md: the complete script', () => {
  it('runs as written from an empty folder and prints what the doc says', async () => {
    const doc = await readFile(join(REPO, 'docs/local-servers.md'), 'utf8');
    const dir = await mkdtemp(join(tmpdir(), 'oauth-probe-doc-script-'));
    await writeFile(join(dir, 'try-local-servers.mjs'), scriptAfterMarker(doc));
    expect(doc).toContain('OAUTH_PROBE_DIR=/path/to/oauth-probe node try-local-servers.mjs');

    const result = spawnSync(process.execPath, ['try-local-servers.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, OAUTH_PROBE_DIR: REPO },
    });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const normalised = result.stdout.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    const printed = /It prints[^\n]*\n\n```\n([\s\S]*?)```/
      .exec(doc)?.[1]
      ?.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    expect(normalised).toBe(printed);
  });
});
