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

  it("says which figure group was re-measured in a run of its own, with that run's time and load", () => {
    const remeasured = structuredClone(results);
    for (const g of remeasured.groups) delete g.details?.measuredAt;
    const group = remeasured.groups.find((g: { id: number }) => g.id === 3);
    group.details = { ...group.details, measuredAt: { date: '2026-12-07T04:10:11.123Z', loadAverage1m: 9.5 } };

    const lines = resultsMarkdown(remeasured).split('\n');

    expect(lines.filter((l) => l.includes('re-measured'))).toEqual([
      `Figure 3 (${group.title}) re-measured on its own on 2026-12-07 04:10 UTC, load average 9.5 at its start: compare its rows with each other, not with the rest of the table.`,
    ]);
    const oneRun = structuredClone(results);
    for (const g of oneRun.groups) delete g.details?.measuredAt;
    expect(resultsMarkdown(oneRun)).not.toContain('re-measured on its own');
  });
});
