/**
 * Every CloudWatch metric oauth-probe publishes: names, units, dimensions and cadence. The probe
 * function publishes them (./metrics.ts) and the CDK app alarms on and charts them (lib/), both from
 * this one list, so the two can never drift apart.
 *
 * Cost shapes this list: a custom metric series costs $0.30 a month (prorated by the hour it receives
 * data), so series that are only interesting when something is wrong (`Failures` by `Code`,
 * `Degraded`) are published only then, and slow-moving gauges (days left, token lifetime) only once per
 * `GAUGE_INTERVAL_HOURS` block or while below their alarm threshold.
 */

export const DIMENSION_PROBE = 'Probe';
export const DIMENSION_REGION = 'Region';
export const DIMENSION_STEP = 'Step';
export const DIMENSION_CODE = 'Code';
/** Where a failed run broke: credentials, discovery, token, token_validation, api (the result's `stage`). */
export const DIMENSION_STAGE = 'Stage';
/**
 * The `Code` of a security finding (fail-open detection, `steps[].rejects`): probes with such checks
 * publish `Failures` with this code on every run that sent them (0 or 1), for the per-region Security alarm.
 */
export const SECURITY_FINDING_CODE = 'accepts_invalid_token';

/** Slow gauges are published in the first run of each block of this many hours (UTC), or when low. */
export const GAUGE_INTERVAL_HOURS = 6;

/**
 * When a metric is published: every run; only in a run where it is nonzero; in the first run of each
 * GAUGE_INTERVAL_HOURS block or while below the expiry threshold (`gauge_interval`); only while below
 * the expiry threshold (`when_low`); in a run that made the check it reports (`when_checked`).
 */
export type Cadence = 'every_run' | 'when_nonzero' | 'gauge_interval' | 'when_low' | 'when_checked';

/**
 * `metrics.profile`: which series the probe function publishes.
 * - `full` (default): every metric of the catalogue, for alarms and for the dashboard's graphs.
 * - `lean`: only what an alarm reads, with the fewest series: Success (availability, stopped, SLO
 *   burn-rate and global alarms), Degraded (the latency alarm counts degraded runs instead of reading
 *   p95 latency series), Failures by Code (diagnosis; no series while healthy) and one days-left gauge
 *   (`ExpiryDaysLeft`, the fewest of the certificates and the credential) only while below the expiry
 *   threshold, read by a one-metric expiry alarm. No latency series, no token lifetime: while healthy,
 *   one custom series per probe-region (plus the Success copy for the global alarm).
 */
export const METRICS_PROFILES = ['full', 'lean'] as const;
export type MetricsProfile = (typeof METRICS_PROFILES)[number];
export const DEFAULT_METRICS_PROFILE: MetricsProfile = 'full';

export interface MetricDefinition {
  name: string;
  unit: 'Count' | 'Milliseconds' | 'Seconds' | 'None';
  dimensions: readonly string[];
  /** Cadence under the `full` profile; null: not published under `full`. */
  cadence: Cadence | null;
  /** Cadence under the `lean` profile; null: not published under `lean`. */
  leanCadence: Cadence | null;
  description: string;
}

export const METRICS = {
  success: {
    name: 'Success',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE],
    cadence: 'every_run',
    leanCadence: 'every_run',
    description:
      '1 when the run passed or was degraded, 0 when it failed. Average = availability; missing = probe not running.',
  },
  degraded: {
    name: 'Degraded',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE],
    cadence: 'when_nonzero',
    leanCadence: 'when_nonzero',
    description: '1 for a degraded run (slower than degradedMs); not published otherwise. Sum = degraded runs.',
  },
  failures: {
    name: 'Failures',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE, DIMENSION_CODE],
    cadence: 'when_nonzero',
    leanCadence: 'when_nonzero',
    description: '1 per failed run, by result code (invalid_client, timeout, ...); not published while healthy.',
  },
  stageFailures: {
    name: 'Failures',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE, DIMENSION_STAGE, DIMENSION_CODE],
    cadence: 'when_nonzero',
    // Lean keeps it: no series while healthy, and the on-call page splits token-endpoint from API failures.
    leanCadence: 'when_nonzero',
    description:
      'The same 1 per failed run with the stage as well (token vs api, ...), so timeout, server_error and rate_limited at the token endpoint and at the API tell apart; not published while healthy.',
  },
  tokenSuccess: {
    name: 'TokenSuccess',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE],
    cadence: 'every_run',
    // Not under lean: one more series per probe-region every run, and no alarm reads it (the SLO burn
    // alarms read Success); the token-issuance SLI is a full-profile chart.
    leanCadence: null,
    description:
      'Token-issuance SLI: 1 when the token endpoint issued a token (whatever happened next), 0 when the run failed at discovery or the token request; not published when the run stopped before (credentials). Average = token issuance success rate.',
  },
  tokenLatency: {
    name: 'TokenLatency',
    unit: 'Milliseconds',
    dimensions: [DIMENSION_PROBE],
    cadence: 'every_run',
    leanCadence: null,
    description: 'Total time of the token request (DNS, connect, TLS, server, body), when a response came back.',
  },
  stepLatency: {
    name: 'StepLatency',
    unit: 'Milliseconds',
    dimensions: [DIMENSION_PROBE, DIMENSION_STEP],
    cadence: 'every_run',
    leanCadence: null,
    description: 'Total time of each API step that got a response.',
  },
  totalLatency: {
    name: 'TotalLatency',
    unit: 'Milliseconds',
    dimensions: [DIMENSION_PROBE],
    cadence: 'every_run',
    leanCadence: null,
    description: 'Wall time of the whole run, credentials to last step.',
  },
  certificateDaysLeft: {
    name: 'CertificateDaysLeft',
    unit: 'None',
    dimensions: [DIMENSION_PROBE],
    cadence: 'gauge_interval',
    // Lean publishes expiryDaysLeft instead: one series and one alarm metric for both gauges.
    leanCadence: null,
    description: 'Fewest days left on any TLS peer certificate seen in the run (token endpoint, API).',
  },
  credentialDaysLeft: {
    name: 'CredentialDaysLeft',
    unit: 'None',
    dimensions: [DIMENSION_PROBE],
    cadence: 'gauge_interval',
    leanCadence: null,
    description: "Days left on the client credential: the secret's expires_at or the client certificate's notAfter.",
  },
  expiryDaysLeft: {
    name: 'ExpiryDaysLeft',
    unit: 'None',
    dimensions: [DIMENSION_PROBE],
    // Full publishes the two gauges it is the minimum of (the dashboard graphs each).
    cadence: null,
    leanCadence: 'when_low',
    description:
      'Lean profile: the fewest days left of CertificateDaysLeft and CredentialDaysLeft, published only while below the expiry threshold; the expiry alarm reads this one series (the notification says which one expires, from the latest result).',
  },
  tokenLifetime: {
    name: 'TokenLifetime',
    unit: 'Seconds',
    dimensions: [DIMENSION_PROBE],
    cadence: 'gauge_interval',
    leanCadence: null,
    description: 'expires_in of the issued access token.',
  },
  regionalSuccess: {
    name: 'Success',
    unit: 'Count',
    dimensions: [DIMENSION_PROBE, DIMENSION_REGION],
    cadence: 'every_run',
    leanCadence: 'every_run',
    description:
      'Copy of Success sent to the home region with a Region dimension, for the multi-region (global) alarm; published only for a probe that has one (hasGlobalAlarm).',
  },
  secretVersionDrift: {
    name: 'SecretVersionDrift',
    unit: 'Count',
    // Per region, no Probe dimension: one series per region (the probes of a region share their
    // secrets' replication), alarmed once per region (functions/runtime/probe/secret-drift.ts).
    dimensions: [],
    cadence: 'when_checked',
    // An alarm reads it: lean keeps it (one series per replica region, 0 while in sync).
    leanCadence: 'when_checked',
    description:
      "1 when this region's replica of a probe's secret has had another AWSCURRENT version than the primary region for longer than the replication grace (15 min), 0 when checked and in sync; published by replica regions at most every 5 min per secret.",
  },
} as const satisfies Record<string, MetricDefinition>;

/** The cadence of `metric` under `profile`; null when the profile does not publish it. */
export function cadenceIn(metric: MetricDefinition, profile: MetricsProfile): Cadence | null {
  return profile === 'lean' ? metric.leanCadence : metric.cadence;
}

/** True when `profile` publishes `metric` (in some runs). */
export function publishes(profile: MetricsProfile, metric: MetricDefinition): boolean {
  return cadenceIn(metric, profile) !== null;
}

/**
 * True when a probe runs from enough regions for the global alarm (home region): then, and only then,
 * the CDK app creates that alarm (and charts the home-region copies) and the probe function publishes
 * the `regionalSuccess` copy it reads. One rule for both sides.
 */
export function hasGlobalAlarm(probe: { regions: readonly string[] }, globalFailureRegions: number): boolean {
  return probe.regions.length >= globalFailureRegions;
}

/**
 * Logged (not put) by the probe function when PutMetricData fails after its retries; the CDK app turns
 * it into the `MetricPublishFailures` metric with a log metric filter, since the API that failed cannot
 * count its own failures.
 */
export const METRIC_PUBLISH_FAILED_EVENT = 'metric_publish_failed';
/** `event` of the one JSON line each probe run logs (the whole result at top level); dashboards query it. */
export const PROBE_RESULT_LOG_EVENT = 'probe_result';
export const METRIC_PUBLISH_FAILURES_METRIC = 'MetricPublishFailures';
