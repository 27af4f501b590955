/**
 * The benchmark figures published in docs/benchmarks.md are the ones bench/results.json holds: the table
 * is written by `npm run bench:docs`, never typed, and this test fails when the two drift apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, END, RESULTS_PATH, resultsMarkdown, START, withResults } from '../../scripts/bench-table.js';

const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8'));
const document = readFileSync(DOC_PATH, 'utf8');

describe('docs/benchmarks.md results table', () => {
  it('is the table of bench/results.json (run `npm run bench:docs` after `npm run bench`)', () => {
    const block = document.slice(document.indexOf(START) + START.length, document.indexOf(END)).trim();
    expect(block).toBe(resultsMarkdown(results));
  });

  it('has one row per figure of results.json, each with its verdict', () => {
    const figures = results.groups.flatMap((g: { figures: unknown[] }) => g.figures);
    const rows = resultsMarkdown(results)
      .split('\n')
      .filter((line) => /^\| \d+ \|/.test(line));
    expect(rows).toHaveLength(figures.length);
    expect(rows.every((row) => /\| (pass|\*\*FAIL\*\*|report) \|$/.test(row))).toBe(true);
  });

  it('refuses a document without the markers instead of writing the table somewhere else', () => {
    expect(() => withResults('# Benchmarks\n', results)).toThrow(/markers/);
    expect(withResults(`a\n${START}\nold\n${END}\nb`, results)).toBe(
      `a\n${START}\n${resultsMarkdown(results)}\n${END}\nb`,
    );
  });
});
