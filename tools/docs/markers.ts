/**
 * The generated samples' place in the docs: a fenced block between `<!-- sample:NAME -->` and
 * `<!-- /sample -->`. Everything between the two markers belongs to the generator.
 */
import { MARKDOWN, type Sample } from './samples.js';

/** The documents that hold samples. */
export const SAMPLE_DOCS = [
  'README.md',
  'docs/cli.md',
  'docs/runtime.md',
  'docs/providers.md',
  'docs/alarms.md',
  'docs/cost.md',
] as const;

const MARKED = /<!-- sample:([\w-]+) -->\n([\s\S]*?)<!-- \/sample -->/g;

export interface MarkedSample {
  name: string;
  /** What is between the markers now. */
  body: string;
}

export function markedSamples(markdown: string): MarkedSample[] {
  return [...markdown.matchAll(MARKED)].map((m) => ({ name: m[1] ?? '', body: m[2] ?? '' }));
}

/** The fenced block a sample is written as; a markdown sample (a table) as it is. */
export function renderSample(sample: Sample): string {
  if (sample.lang === MARKDOWN) return sample.text.endsWith('\n') ? sample.text : `${sample.text}\n`;
  return `\`\`\`${sample.lang}\n${sample.text.endsWith('\n') ? sample.text : `${sample.text}\n`}\`\`\`\n`;
}

/** The markdown with every marked sample replaced by its generated block; unknown names are an error. */
export function applySamples(markdown: string, samples: ReadonlyMap<string, Sample>): string {
  return markdown.replace(MARKED, (_all, name: string) => {
    const sample = samples.get(name);
    if (!sample) throw new Error(`no generated sample named "${name}"`);
    return `<!-- sample:${name} -->\n${renderSample(sample)}<!-- /sample -->`;
  });
}
