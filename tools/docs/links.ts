/**
 * The relative links of the docs and the anchors they may point at, as GitHub renders them: a moved
 * section must not leave a link to a file or heading that is gone (test/docs/links.test.ts).
 */

export interface DocLink {
  /** 1-based line of the link. */
  line: number;
  text: string;
  /** As written: `docs/cli.md#flags`, `#codes`, `../plan/index.ts`. */
  target: string;
}

/** Fenced code blocks (``` or ~~~) blanked, line count kept: neither links nor headings live there. */
function withoutFences(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** Inline code spans blanked: `[a](b)` inside backticks is text, not a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

/** Every inline link `[text](target)` outside code, but absolute URLs (http, https, mailto). */
export function relativeLinks(markdown: string): DocLink[] {
  const links: DocLink[] = [];
  withoutFences(markdown).forEach((raw, index) => {
    const line = withoutCodeSpans(raw);
    for (const match of line.matchAll(/\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[2] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ line: index + 1, text: match[1] ?? '', target });
    }
  });
  return links;
}

/**
 * GitHub's anchor for a heading: the rendered text (code spans, `*` emphasis and link targets dropped),
 * lower-cased, every character but letters, digits, `_`, `-` and spaces removed, spaces as hyphens.
 */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/\*{1,3}([^*]+)\*{1,3}/g, '$1');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a document: its headings' slugs (a repeated one gets -1, -2, ...) and explicit ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id[1] ?? '');
  }
  return anchors;
}
