/**
 * Alarm descriptions: probe, region, what the alarm means, what to check, and the runbook link on the
 * last line as `Runbook: <url>` (the notifier parses that line).
 */
import type { ResolvedProbe } from '../functions/config/resolve.js';

/** CloudWatch's limit on AlarmDescription. */
export const MAX_DESCRIPTION_LENGTH = 1024;

export interface DescriptionParts {
  probe: ResolvedProbe;
  /** The region watched; absent for a global alarm. */
  region?: string;
  meaning: string;
  check: string;
}

export function alarmDescription({ probe, region, meaning, check }: DescriptionParts): string {
  const where = region ? ` from ${region}` : ' (all regions)';
  const head = `oauth-probe "${probe.name}"${where}: ${meaning}`;
  const about = probe.description ? ` Probe: ${probe.description}.` : '';
  const runbook = probe.runbookUrl ? `\nRunbook: ${probe.runbookUrl}` : '';
  const body = `${head}${about}\nCheck: ${check}`;
  // The runbook line is what the notifier needs: cut the free text, never the link.
  const room = MAX_DESCRIPTION_LENGTH - runbook.length;
  return `${body.length > room ? `${body.slice(0, room - 1)}…` : body}${runbook}`;
}
