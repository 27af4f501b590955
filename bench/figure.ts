/** One line of the bench table, and what each figure module returns. */

export interface Figure {
  /** Stable key in results.json, e.g. `timing.https.p95`. */
  key: string;
  /** What is measured, for the table. */
  label: string;
  /** The target as text (`≤ 2 ms`), or `report` when there is none. */
  target: string;
  measured: number;
  unit: string;
  /** null when the figure is reported without a target. */
  pass: boolean | null;
}

export interface FigureGroup {
  /** 1..6, as numbered in issue 6. */
  id: number;
  title: string;
  figures: Figure[];
  /** Settings and raw summaries behind the figures (counts, delays, breakdowns), written to results.json. */
  details: Record<string, unknown>;
}

export const atMost = (limit: number) => (value: number) => value <= limit;
export const below = (limit: number) => (value: number) => value < limit;
