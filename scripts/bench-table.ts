/**
 * `npm run bench:docs`: writes the table of bench/results.json into docs/benchmarks.md, between the
 * `<!-- bench:results -->` and `<!-- /bench:results -->` markers, with the machine line above it, so the
 * published figures are the measured ones and never retyped. test/docs/bench-table.test.ts fails when
 * the committed table differs from results.json. (A script, not part of bench/: the test reads it, and
 * bench/ already imports from test/.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const START = '<!-- bench:results -->';
export const END = '<!-- /bench:results -->';
export const RESULTS_PATH = fileURLToPath(new URL('../bench/results.json', import.meta.url));
export const DOC_PATH = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

interface Results {
  machine: { date: string; cpuModel: string; cores: number; memoryGiB: number; node: string; loadAverage1m: number };
  durationSec: number;
  groups: {
    id: number;
    title?: string;
    figures: { label: string; target: string; measured: number; unit: string; pass: boolean | null }[];
    /** `measuredAt`: the run of a group re-measured on its own (`npm run bench -- --only=N --merge`). */
    details?: { measuredAt?: { date: string; loadAverage1m: number } };
  }[];
}

const verdict = (pass: boolean | null) => (pass === null ? 'report' : pass ? 'pass' : '**FAIL**');

/** The Markdown block for results.json: machine line, then one row per figure. */
export function resultsMarkdown(results: Results): string {
  const { machine } = results;
  const stamp = (date: string) => date.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const remeasured = results.groups.flatMap((g) =>
    g.details?.measuredAt
      ? [
          `Figure ${g.id}${g.title ? ` (${g.title})` : ''} re-measured on its own on ${stamp(g.details.measuredAt.date)}, load average ${g.details.measuredAt.loadAverage1m} at its start: compare its rows with each other, not with the rest of the table.`,
        ]
      : [],
  );
  const lines = [
    `Run of ${stamp(machine.date)}: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node.replace(/^v/, '')}, load average ${machine.loadAverage1m} at the start, ${Math.round(results.durationSec)} s.`,
    ...remeasured.flatMap((line) => ['', line]),
    '',
    '| # | figure | target | measured | result |',
    '|---|---|---|---|---|',
    ...results.groups.flatMap((group) =>
      group.figures.map(
        (f) => `| ${group.id} | ${f.label} | ${f.target} | ${f.measured} ${f.unit} | ${verdict(f.pass)} |`,
      ),
    ),
  ];
  return lines.join('\n');
}

/** `document` with the block between the markers replaced; throws when the markers are missing. */
export function withResults(document: string, results: Results): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md needs the markers ${START} and ${END}`);
  return `${document.slice(0, start + START.length)}\n${resultsMarkdown(results)}\n${document.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as Results;
  writeFileSync(DOC_PATH, withResults(readFileSync(DOC_PATH, 'utf8'), results));
  process.stdout.write(`wrote the results table of ${RESULTS_PATH} into ${DOC_PATH}\n`);
}
