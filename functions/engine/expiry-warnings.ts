/**
 * Warnings for what will break soon although the run passed: the client credential (secret
 * `expires_at`, client certificate) or a server's TLS certificate expiring within the probe's
 * `alarms.expiryDaysThreshold` days, the threshold of the deployment's Expiry alarm. In the result's
 * `warnings`, every reader sees them: the CLI under PASS, `--json`, the function's log line.
 */
import type { Exchange, Warning } from './result.js';

export const CREDENTIAL_EXPIRING = 'credential_expiring';
export const CERTIFICATE_EXPIRING = 'certificate_expiring';

/** The expiry warnings of a run: none for what expires later than `thresholdDays`, or has already expired (that fails). */
export function expiryWarnings(
  thresholdDays: number,
  credentialDaysLeft: number | undefined,
  exchanges: readonly Exchange[],
): Warning[] {
  const soon = (days: number | undefined): days is number => days !== undefined && days >= 0 && days < thresholdDays;
  const threshold = `alarms.expiryDaysThreshold ${thresholdDays}`;
  const warnings: Warning[] = [];
  if (soon(credentialDaysLeft)) {
    warnings.push({
      code: CREDENTIAL_EXPIRING,
      message: `the client credential expires in ${plural(credentialDaysLeft)} (${threshold}): rotate it before then`,
    });
  }
  // One warning per host, with its soonest certificate.
  const hosts = new Map<string, number>();
  for (const exchange of exchanges) {
    if (!soon(exchange.certDaysLeft)) continue;
    const host = hostOf(exchange.url);
    hosts.set(host, Math.min(hosts.get(host) ?? Number.POSITIVE_INFINITY, exchange.certDaysLeft));
  }
  for (const [host, days] of hosts) {
    warnings.push({
      code: CERTIFICATE_EXPIRING,
      message: `the TLS certificate of ${host} expires in ${plural(days)} (${threshold}): renew it before then`,
    });
  }
  return warnings;
}

function plural(days: number): string {
  return `${days} day${days === 1 ? '' : 's'}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
