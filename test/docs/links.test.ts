/**
 * The README stays short, and no link of the README or docs/ points at a file or heading that is not
 * there: moving a section to another page must move its links with it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, headingSlug, relativeLinks } from '../../tools/docs/links.js';

const REPO = join(import.meta.dirname, '../..');
const README_MAX_LINES = 250;

/** README.md and every markdown file under docs/. */
function documents(): string[] {
  const docs = readdirSync(join(REPO, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

/** Where a link goes wrong, or undefined when its file (and anchor) exist. */
function brokenLink(from: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const file = path === '' ? join(REPO, from) : join(REPO, dirname(from), decodeURIComponent(path));
  if (!file.startsWith(REPO)) return `${target}: outside the repository`;
  if (!existsSync(file)) return `${target}: no file ${relative(REPO, file)}`;
  if (anchor === undefined || anchor === '' || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  const anchors = anchorsOf(readFileSync(file, 'utf8'));
  return anchors.has(anchor) ? undefined : `${target}: no heading #${anchor} in ${relative(REPO, file)}`;
}

describe('the README', () => {
  it(`is at most ${README_MAX_LINES} lines, a read of five minutes (the long material is in docs/)`, () => {
    const lines = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });
});

describe('relative links in README.md and docs/', () => {
  it('each point at an existing file and, with #anchor, an existing heading', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const doc of documents()) {
      for (const link of relativeLinks(readFileSync(join(REPO, doc), 'utf8'))) {
        checked += 1;
        const problem = brokenLink(doc, link.target);
        if (problem) broken.push(`${doc}:${link.line} [${link.text}](${problem})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('are found outside code only, and anchors are the ones GitHub makes', () => {
    const markdown = [
      '# Top',
      'See [codes](#codes), [cli](docs/cli.md#flags) and `[not a link](nowhere.md)`, [web](https://example.com).',
      '```md',
      '[inside a fence](gone.md)',
      '## Not a heading',
      '```',
      '## Codes',
      '## `local --fault`',
      '## 5. The watchdog: a heartbeat outside AWS (recommended)',
      '## Configuration reference (`probes.json`)',
      '## Codes',
      '<a id="custom"></a>',
    ].join('\n');

    expect(relativeLinks(markdown).map((l) => l.target)).toEqual(['#codes', 'docs/cli.md#flags']);
    expect([...anchorsOf(markdown)]).toEqual([
      'top',
      'codes',
      'local---fault',
      '5-the-watchdog-a-heartbeat-outside-aws-recommended',
      'configuration-reference-probesjson',
      'codes-1',
      'custom',
    ]);
    expect(headingSlug('Token reuse (`token.reuse`)')).toBe('token-reuse-tokenreuse');
    expect(headingSlug('client_secret_basic and **bold**')).toBe('client_secret_basic-and-bold');
  });

  it('report a heading that is gone and a file that is gone', () => {
    expect(brokenLink('README.md', 'docs/cli.md#no-such-heading')).toMatch(/no heading #no-such-heading/);
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file docs\/no-such-page\.md/);
    expect(brokenLink('docs/deploy.md', 'alarms.md#severity-who-hears-of-what')).toBeUndefined();
    expect(brokenLink('docs/deploy.md', '../plan/index.ts')).toBeUndefined();
  });
});
