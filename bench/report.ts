/** The table printed by `npm run bench` and the machine description written with it. */
import { availableParallelism, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import type { FigureGroup } from './figure.js';

export interface Machine {
  date: string;
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the bench started: how noisy the machine was. */
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export const freeMemoryGiB = () => Math.round((freemem() / 2 ** 30) * 10) / 10;

const verdict = (pass: boolean | null) => (pass === null ? 'report' : pass ? 'pass' : 'FAIL');

/** A plain-text table (also valid Markdown). */
export function formatTable(groups: readonly FigureGroup[]): string {
  const rows = groups.flatMap((g) =>
    g.figures.map((f) => [`${g.id}`, f.label, f.target, `${f.measured} ${f.unit}`, verdict(f.pass)]),
  );
  const header = ['#', 'figure', 'target', 'measured', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
