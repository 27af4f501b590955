/**
 * `npm run docs:samples`: regenerates every sample and writes it between its markers in the docs.
 * Commit the result; test/docs/samples.test.ts fails while a committed sample differs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applySamples, markedSamples, SAMPLE_DOCS } from './markers.js';
import { generateSamples, REPO } from './samples.js';

const samples = new Map((await generateSamples()).map((sample) => [sample.name, sample]));
const used = new Set<string>();
for (const doc of SAMPLE_DOCS) {
  const path = join(REPO, doc);
  const before = await readFile(path, 'utf8');
  for (const marked of markedSamples(before)) used.add(marked.name);
  const after = applySamples(before, samples);
  if (after !== before) await writeFile(path, after);
  process.stdout.write(`${after === before ? 'unchanged' : 'updated  '} ${doc}\n`);
}
const unused = [...samples.keys()].filter((name) => !used.has(name));
if (unused.length > 0) process.stdout.write(`generated but not placed in any doc: ${unused.join(', ')}\n`);
