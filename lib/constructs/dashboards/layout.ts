/**
 * Dashboard limits and pagination. CloudWatch takes at most 500 widgets per dashboard and 100 alarms
 * per alarm-status widget; the body is kept well under a size budget so that a page never nears the
 * API limit nor bloats the template. Probes are split into pages of PROBES_PER_PAGE (in config order),
 * and every widget of a page covers the page's probes in one region, so a page's widget count depends
 * on regions and SLO classes only, and its body grows with the page's probe names only.
 */

import { DASHBOARD_LAYOUT } from '../../../plan/index.js';

/** CloudWatch: a dashboard body holds 0 to 500 widgets. */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
/** CloudWatch: an alarm-status widget lists 1 to 100 alarm ARNs. */
export const MAX_ALARMS_PER_WIDGET = 100;
/** Our budget for one dashboard body, far below the API's, checked at synth. */
export const MAX_DASHBOARD_BODY_BYTES = 256 * 1024;
/** Probes per dashboard page: a SEARCH per widget returns at most this many series per region. */
export const PROBES_PER_PAGE = DASHBOARD_LAYOUT.probesPerDashboard;

export const FULL = 24;
export const HALF = 12;
export const THIRD = 8;
export const HEIGHT = 6;

/** [[a, b], [c]] for size 2. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let start = 0; start < items.length; start += size) pages.push(items.slice(start, start + size));
  return pages;
}

/** Page names: `OAuthProbe-Executive`, `OAuthProbe-Executive-2`, ... */
export function pageName(base: string, index: number): string {
  return index === 0 ? base : `${base}-${index + 1}`;
}
