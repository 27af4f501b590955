/**
 * What a deployment of probes.json costs per month, per probe and region and in total, from the public
 * prices in ./prices.ts and the assumptions below (each stated in the result, each overridable: the
 * benchmarks pass measured durations). Pure: a config in, numbers out; no AWS call.
 *
 * The model follows what the deployment does:
 * - one scheduled Lambda invocation (arm64) per run and region; INIT billed (2025-08) per cold start;
 * - the metric catalogue (functions/contract/metric-catalogue.ts): `every_run` series cost a full month,
 *   `when_nonzero` series (Failures by Code, Degraded) only in hours with a failure (0 while healthy),
 *   `gauge_interval` series only in the hours they are published, StepLatency once per step, plus the
 *   copy of Success with a Region dimension sent to the home region, only for a probe that has the
 *   global alarm it feeds (`hasGlobalAlarm`: regions >= globalFailureRegions);
 * - `metrics.transport`: with `putMetricData`, one PutMetricData call per run, plus one to the home region
 *   from every other region for the copy; with `emf`, no call for the regional metrics (EMF log lines,
 *   billed as log ingestion) and only the copy's call from regions other than the home region;
 * - standard alarms, billed per metric they evaluate (metric-math alarms included);
 * - one Secrets Manager GetSecretValue per cache TTL per warm container, and a replica of the secret in
 *   every region the probe runs from;
 * - log ingestion of the one result line per run, SNS for alarm notifications, one dashboard.
 */

import { type ResolvedProbe, resolveDeployment } from '../../functions/config/resolve.js';
import { runsPerMonth } from '../../functions/config/schedule.js';
import type { MetricsTransport, ProbesConfig } from '../../functions/config/schema.js';
import {
  cadenceIn,
  GAUGE_INTERVAL_HOURS,
  METRICS,
  METRICS_PROFILES,
  type MetricsProfile,
} from '../../functions/contract/metric-catalogue.js';
import {
  alarmKindLabel,
  type DeploymentPlan,
  type PlannedAlarm,
  type PlannedConfig,
  type ProbeRegionUsage,
  planConfig,
  planDeployment,
  requestsPerRun,
  type WatchdogPlan,
} from '../../plan/index.js';
import { type IdentityProviderBudget, tokenBudget } from '../../plan/token-budget.js';
import { coldStartsPerMonth } from '../../plan/usage.js';
import { PRICES, type Price, type PriceKey } from './prices.js';

/** Hours in the 30-day month that `runsPerMonth` counts in. */
export const HOURS_PER_MONTH = 30 * 24;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface CostAssumptions {
  /** Probe function memory. @default 256 */
  memoryMb: number;
  /**
   * Billed time of a run outside its HTTP requests: handler, secret from the cache, one PutMetricData
   * call, the log line. @default 100 ms
   */
  baseDurationMs: number;
  /**
   * Billed time per HTTP request on a fresh connection (DNS, TCP, TLS, server time, body) to an
   * internet authorization server or API. The local benchmark measures a few ms; real providers take
   * 100-300 ms for a token request. @default 250 ms
   */
  perRequestMs: number;
  /** INIT duration of a cold start (Node.js runtime, bundled AWS SDK clients). @default 600 ms */
  initDurationMs: number;
  /**
   * How long an execution environment lives on a steady schedule before Lambda recycles it (observed
   * behaviour, not documented). @default 2 hours
   */
  containerLifetimeHours: number;
  /** Schedules with more minutes between runs than this start cold on every run. @default 5 */
  warmIdleMinutes: number;
  /** Secrets Manager cache TTL in a warm container. @default 300 (SECRET_CACHE_TTL_SEC) */
  secretCacheTtlSec: number;
  /** CloudWatch Logs bytes per run (the JSON result line plus START/END/REPORT). @default 1024 */
  logBytesPerRun: number;
  /**
   * CloudWatch Logs bytes per EMF line under `metrics.transport: "emf"` (a run writes one line, plus one
   * per API step beyond the first: one StepLatency value per Step and line; a passing one-step line is
   * ~480 bytes, a gauge run ~680). @default 1024
   */
  emfBytesPerLine: number;
  /** Hours per month in which a probe-region fails or is degraded (`when_nonzero` series). @default 0 */
  unhealthyHoursPerMonth: number;
  /** Alarm notifications (ALARM and OK) per probe and region per month. @default 4 */
  notificationsPerProbeRegion: number;
  /** Dashboards created (home region). @default 1 */
  dashboards: number;
  /**
   * Billed time of one watchdog run (`notifications.heartbeat`): its CloudWatch reads in parallel, the
   * secret from its cache, one HTTPS ping. @default 500 ms
   */
  watchdogBilledMs: number;
}

export const DEFAULT_COST_ASSUMPTIONS: CostAssumptions = {
  memoryMb: 256,
  baseDurationMs: 100,
  perRequestMs: 250,
  initDurationMs: 600,
  containerLifetimeHours: 2,
  warmIdleMinutes: 5,
  secretCacheTtlSec: 300,
  logBytesPerRun: 1024,
  emfBytesPerLine: 1024,
  unhealthyHoursPerMonth: 0,
  notificationsPerProbeRegion: 4,
  dashboards: 3,
  watchdogBilledMs: 500,
};

export type CostItem =
  | 'lambda_compute'
  | 'lambda_requests'
  | 'lambda_init'
  | 'scheduler'
  | 'custom_metrics'
  | 'put_metric_data'
  | 'emf_logs'
  | 'alarms'
  | 'secrets_manager_api'
  | 'secrets_manager_secret'
  | 'kms_requests'
  | 'kms_keys'
  | 'sns'
  | 'logs'
  | 'dashboard'
  | 'eventbridge_rule'
  | 'cloudwatch_reads';

export const COST_ITEM_LABELS: Record<CostItem, string> = {
  lambda_compute: 'Lambda compute',
  lambda_requests: 'Lambda requests',
  lambda_init: 'Lambda INIT',
  scheduler: 'EventBridge Scheduler',
  custom_metrics: 'Custom metrics',
  put_metric_data: 'PutMetricData calls',
  emf_logs: 'EMF log ingestion',
  alarms: 'Alarms',
  secrets_manager_api: 'Secrets Manager API',
  secrets_manager_secret: 'Secret (replica)',
  kms_requests: 'KMS requests',
  kms_keys: 'KMS keys',
  sns: 'SNS notifications',
  logs: 'Log ingestion',
  dashboard: 'Dashboard',
  eventbridge_rule: 'EventBridge rule',
  cloudwatch_reads: 'CloudWatch reads',
};

export interface CostLine {
  item: CostItem;
  /** How many `unit`s per month. */
  quantity: number;
  unit: string;
  /** The prices this line uses. */
  prices: PriceKey[];
  monthlyUsd: number;
  /** How the quantity was arrived at. */
  basis: string;
}

/** A probe-region's month as the plan counts it (`home`: dashboards, global alarms, Success copies), priced. */
export interface ProbeRegionCost
  extends Pick<ProbeRegionUsage, 'probe' | 'region' | 'home' | 'schedule' | 'runsPerMonth' | 'requestsPerRun'> {
  /** Billed milliseconds per run assumed. */
  billedMsPerRun: number;
  lines: CostLine[];
  monthlyUsd: number;
  /** The same checks as a CloudWatch Synthetics canary in this region. */
  canaryMonthlyUsd: number;
}

export interface ProbeCost {
  probe: string;
  regions: ProbeRegionCost[];
  /** Costs of the probe as a whole (the multi-region alarm in the home region). */
  global: CostLine[];
  monthlyUsd: number;
  canaryMonthlyUsd: number;
}

/** One alarm of the deployment, as priced: the plan's alarms, exactly those the templates hold. */
export interface PricedAlarm {
  name: string;
  /** The probe it watches; absent for the deployment's own alarms. */
  probe?: string;
  region: string;
  composite: boolean;
  /** Metrics billed (standard alarms); 0 for a composite. */
  metrics: number;
  monthlyUsd: number;
}

export interface CostEstimate {
  probes: ProbeCost[];
  /**
   * Per authorization server (token endpoint host): the token requests a month and the discovery, JWKS
   * and introspection requests, summed over probes and regions; some providers meter or rate-limit them.
   */
  identityProviders: IdentityProviderBudget[];
  /** Every alarm the deployment creates, priced (the same set as the synthesized templates). */
  alarms: PricedAlarm[];
  /** Costs of the deployment as a whole (dashboard, KMS keys). */
  shared: CostLine[];
  /** The watchdog (`notifications.heartbeat`), line by line; empty without one. */
  watchdog: CostLine[];
  total: {
    monthlyUsd: number;
    canaryMonthlyUsd: number;
    /** Probe-regions (each probe in each of its regions). */
    probeRegions: number;
    /** monthlyUsd ÷ probeRegions. */
    perProbeRegionUsd: number;
    byItem: Partial<Record<CostItem, number>>;
  };
  /** Every assumption, in words, for the report. */
  assumptions: string[];
  /** The prices used, with their dates. */
  prices: Price[];
  settings: CostAssumptions;
  metrics: {
    /** `metrics.transport` of the config (resolved: `emf` by default under the lean profile). */
    transport: MetricsTransport;
    /** `metrics.profile` of the config. */
    profile: MetricsProfile;
    /** Under `putMetricData`: how much less the same deployment costs per month with `emf`. */
    emfSavingUsd?: number;
    /**
     * The same deployment under each profile, side by side (each with the config's transport, or the
     * profile's default transport when the config sets none).
     */
    profiles: ProfileCost[];
  };
}

export interface ProfileCost {
  profile: MetricsProfile;
  transport: MetricsTransport;
  monthlyUsd: number;
  perProbeRegionUsd: number;
  /** Each probe-region's own lines (no shared dashboard or keys). */
  probeRegions: { probe: string; region: string; monthlyUsd: number }[];
}

/**
 * Estimates the monthly cost of a deployment: its plan (plan/: `prepareDeployment` for a checked
 * config, as `oauth-probe cost` does), or a config planned as it stands.
 */
export function estimateCost(
  source: ProbesConfig | PlannedConfig,
  overrides: Partial<CostAssumptions> = {},
): CostEstimate {
  const planned = 'plan' in source ? source : planConfig(source);
  const { metricsTransport: transport, metricsProfile: profile } = planned.deployment;
  // Executive, On-call and Debug per dashboard group of the plan.
  const a: CostAssumptions = {
    ...DEFAULT_COST_ASSUMPTIONS,
    dashboards: planned.plan.dashboardNames.length,
    ...overrides,
  };
  const estimate = estimateWith(planned, a, transport, profile);
  estimate.metrics.profiles = METRICS_PROFILES.map((p) => {
    const t = resolveDeployment({
      ...planned.config,
      metrics: { ...planned.config.metrics, profile: p },
    }).metricsTransport;
    const e = p === profile && t === transport ? estimate : estimateWith(planned, a, t, p);
    return {
      profile: p,
      transport: t,
      monthlyUsd: e.total.monthlyUsd,
      perProbeRegionUsd: e.total.perProbeRegionUsd,
      probeRegions: e.probes.flatMap((pc) =>
        pc.regions.map((r) => ({ probe: r.probe, region: r.region, monthlyUsd: r.monthlyUsd })),
      ),
    };
  });
  if (transport === 'putMetricData') {
    const emfSavingUsd = estimate.total.monthlyUsd - estimateWith(planned, a, 'emf', profile).total.monthlyUsd;
    estimate.metrics.emfSavingUsd = emfSavingUsd;
    estimate.assumptions.unshift(
      `Metrics transport: putMetricData (config metrics.transport). With "emf" this deployment would cost ${usd(emfSavingUsd)} a month less (${usd(emfSavingUsd / Math.max(1, estimate.total.probeRegions))} per probe-region): no PutMetricData call for the regional metrics, EMF log lines ingested instead; same metrics, same alarms.`,
    );
  } else {
    estimate.assumptions.unshift(
      'Metrics transport: emf (config metrics.transport): the regional metrics are EMF log lines, billed as log ingestion; PutMetricData only carries the Success copy from regions other than the home region.',
    );
  }
  return estimate;
}

/** The plan of the same deployment under another metrics profile and transport. */
function planFor(planned: PlannedConfig, transport: MetricsTransport, profile: MetricsProfile): DeploymentPlan {
  const { deployment } = planned;
  if (deployment.metricsProfile === profile && deployment.metricsTransport === transport) return planned.plan;
  return planDeployment(planned.config, planned.probes, {
    ...deployment,
    metricsProfile: profile,
    metricsTransport: transport,
  });
}

function estimateWith(
  planned: PlannedConfig,
  a: CostAssumptions,
  transport: MetricsTransport,
  profile: MetricsProfile,
): CostEstimate {
  const { deployment } = planned;
  const plan = planFor(planned, transport, profile);
  const probes = plan.probes.map((probe): ProbeCost => {
    const planned = plan.alarms.filter((alarm) => alarm.probe === probe.name);
    const copy = planned.some((alarm) => alarm.kind === 'global');
    const regions = probe.regions.map((region) =>
      probeRegionCost(
        probe,
        region,
        {
          home: region === deployment.homeRegion,
          copy,
          transport,
          profile,
          alarms: planned.filter((alarm) => alarm.region === region && alarm.kind !== 'global'),
        },
        a,
      ),
    );
    const global = globalLines(planned.filter((alarm) => alarm.kind === 'global'));
    const monthlyUsd = sum(regions.map((r) => r.monthlyUsd)) + sum(global.map((l) => l.monthlyUsd));
    return {
      probe: probe.name,
      regions,
      global,
      monthlyUsd,
      canaryMonthlyUsd: sum(regions.map((r) => r.canaryMonthlyUsd)),
    };
  });
  const own = plan.alarms.filter((alarm) => alarm.probe === undefined);
  const shared: CostLine[] = [
    pricedLine(
      'dashboard',
      a.dashboards,
      'dashboard',
      ['dashboardMonth'],
      'Executive, On-call and Debug dashboards in the home region (per 25 probes); the first 3 per account are free',
    ),
    pricedLine(
      'kms_keys',
      plan.regions.length + 1,
      'key-month',
      ['kmsKeyMonth'],
      `the customer-managed keys the deployment creates: one per region (${plan.regions.length}) for the alarm topic, one for the notification topic`,
    ),
    pricedLine(
      'alarms',
      sum(own.map((alarm) => alarm.metrics)),
      'alarm metrics',
      ['alarmStandardMonth'],
      `the deployment's own alarms: ${alarmBasis(own)} (${plan.regions.length} region${plan.regions.length === 1 ? '' : 's'})`,
    ),
  ];
  const watchdog = plan.watchdog ? watchdogLines(plan.watchdog, a) : [];
  const allLines = [
    ...probes.flatMap((p) => [...p.regions.flatMap((r) => r.lines), ...p.global]),
    ...shared,
    ...watchdog,
  ];
  const byItem: Partial<Record<CostItem, number>> = {};
  for (const l of allLines) byItem[l.item] = (byItem[l.item] ?? 0) + l.monthlyUsd;
  const monthlyUsd = sum(allLines.map((l) => l.monthlyUsd));
  const probeRegions = sum(probes.map((p) => p.regions.length));
  return {
    probes,
    identityProviders: tokenBudget(plan.probes, (probe) => coldStartsPerMonth(probe.schedule, a)),
    alarms: plan.alarms.map(pricedAlarm),
    shared,
    watchdog,
    total: {
      monthlyUsd,
      canaryMonthlyUsd: sum(probes.map((p) => p.canaryMonthlyUsd)),
      probeRegions,
      perProbeRegionUsd: probeRegions > 0 ? monthlyUsd / probeRegions : 0,
      byItem,
    },
    assumptions: [
      ...describeAssumptions(a, transport, profile),
      ...(plan.watchdog
        ? [
            `Watchdog: ${plan.watchdog.runsPerMonth} runs a month (${plan.watchdog.schedule}) of ${a.watchdogBilledMs} ms at 256 MB; each run reads ${plan.watchdog.metricsReadPerRun} metrics (GetMetricData) and makes ${plan.watchdog.describeAlarmsPerRun} DescribeAlarms requests while healthy, both at the CloudWatch API request price; its EventBridge rule priced as Scheduler invocations (an upper bound); its secret and reads.`,
          ]
        : []),
    ],
    prices: Object.values(PRICES),
    settings: a,
    metrics: { transport, profile, profiles: [] },
  };
}

function pricedAlarm(alarm: PlannedAlarm): PricedAlarm {
  return {
    name: alarm.name,
    ...(alarm.probe ? { probe: alarm.probe } : {}),
    region: alarm.region,
    composite: alarm.composite,
    metrics: alarm.metrics,
    monthlyUsd: alarm.composite ? PRICES.alarmCompositeMonth.usd : alarm.metrics * PRICES.alarmStandardMonth.usd,
  };
}

/** `availability 1, latency 2, stopped 1, ...`: metrics per kind, summed over the alarms of each kind. */
function alarmBasis(alarms: readonly PlannedAlarm[]): string {
  const byKind = new Map<string, number>();
  for (const alarm of alarms) {
    if (alarm.composite) continue;
    const label = alarmKindLabel(alarm.kind);
    byKind.set(label, (byKind.get(label) ?? 0) + alarm.metrics);
  }
  return [...byKind].map(([label, metrics]) => `${label} ${metrics}`).join(', ');
}

/** `$0.41`, `$1.23`: for the assumption text (the report's own formatter lives in the CLI). */
function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

interface RegionContext {
  /** The home region (dashboard, global alarms). */
  home: boolean;
  /** The probe publishes the Success copy by Region (it has a global alarm). */
  copy: boolean;
  transport: MetricsTransport;
  profile: MetricsProfile;
  /** The plan's alarms of the probe in this region (the global alarm is priced with the probe). */
  alarms: PlannedAlarm[];
}

/** What the priced lines of one probe in one region are computed from. */
interface RegionFacts extends RegionContext {
  probe: ResolvedProbe;
  a: CostAssumptions;
  runs: number;
  billedMs: number;
  /** Function memory in GB. */
  gb: number;
  coldStarts: number;
  /** GetSecretValue calls per month. */
  secretCalls: number;
}

/**
 * One priced line of the bill: what is counted, in which unit, at which prices, and why. The cost is
 * always quantity × the sum of its prices, so every line reads the same way in the report.
 */
interface PricedLine {
  item: CostItem;
  unit: string;
  prices: PriceKey[];
  quantity(f: RegionFacts): number;
  basis(f: RegionFacts): string;
  /** Lines that exist only in some deployments (EMF logs, KMS requests). @default always */
  applies?(f: RegionFacts): boolean;
}

/** The bill of one probe in one region, in report order. */
const REGION_LINES: readonly PricedLine[] = [
  {
    item: 'lambda_compute',
    unit: 'GB-s',
    prices: ['lambdaGbSecondArm64'],
    quantity: (f) => f.runs * (f.billedMs / 1000) * f.gb,
    basis: (f) => `${f.runs} runs × ${f.billedMs} ms × ${f.a.memoryMb} MB (arm64)`,
  },
  {
    item: 'lambda_requests',
    unit: 'requests',
    prices: ['lambdaRequest'],
    quantity: (f) => f.runs,
    basis: (f) => `${f.runs} invocations`,
  },
  {
    item: 'lambda_init',
    unit: 'GB-s',
    prices: ['lambdaInitGbSecondArm64'],
    quantity: (f) => f.coldStarts * (f.a.initDurationMs / 1000) * f.gb,
    basis: (f) => `${f.coldStarts} cold starts × ${f.a.initDurationMs} ms`,
  },
  {
    item: 'scheduler',
    unit: 'invocations',
    prices: ['schedulerInvocation'],
    quantity: (f) => f.runs,
    basis: (f) => `${f.runs} schedule invocations`,
  },
  {
    item: 'custom_metrics',
    unit: 'metric-months',
    prices: ['customMetricMonth'],
    quantity: (f) => metricSeries(f.probe, f.a, f.copy, f.profile).metricMonths,
    basis: (f) => metricSeries(f.probe, f.a, f.copy, f.profile).basis,
  },
  {
    item: 'put_metric_data',
    unit: 'API calls',
    prices: ['cloudWatchApiRequest'],
    quantity: (f) => f.runs * putCallsPerRun(f),
    basis: putBasis,
  },
  {
    item: 'emf_logs',
    unit: 'GB',
    prices: ['logIngestionGb'],
    applies: (f) => f.transport === 'emf',
    quantity: (f) => (f.runs * emfLinesPerRun(f.probe) * f.a.emfBytesPerLine) / 1024 ** 3,
    basis: (f) => {
      const lines = emfLinesPerRun(f.probe);
      return `${f.runs} runs × ${lines} EMF line${lines > 1 ? 's' : ''} × ${f.a.emfBytesPerLine} bytes`;
    },
  },
  // The plan's alarms of this probe-region (plan/alarms.ts): standard alarms billed per metric they read
  // (metric math included), composites per alarm.
  {
    item: 'alarms',
    unit: 'alarm metrics',
    prices: ['alarmStandardMonth'],
    quantity: (f) => sum(f.alarms.filter((alarm) => !alarm.composite).map((alarm) => alarm.metrics)),
    basis: (f) => alarmBasis(f.alarms),
  },
  {
    item: 'alarms',
    unit: 'composite alarms',
    prices: ['alarmCompositeMonth'],
    applies: (f) => f.alarms.some((alarm) => alarm.composite),
    quantity: (f) => f.alarms.filter((alarm) => alarm.composite).length,
    basis: (f) =>
      `SLO burn rate composites: ${f.alarms
        .filter((alarm) => alarm.composite)
        .map((alarm) => alarmKindLabel(alarm.kind))
        .join(', ')}`,
  },
  {
    item: 'secrets_manager_api',
    unit: 'API calls',
    prices: ['secretsManagerApiCall'],
    quantity: (f) => f.secretCalls,
    basis: (f) => `1 GetSecretValue per ${f.a.secretCacheTtlSec} s cache TTL per warm container, and per cold start`,
  },
  {
    item: 'secrets_manager_secret',
    unit: 'secret-months',
    prices: ['secretMonth'],
    quantity: () => 1,
    basis: () => 'the secret (or its replica) in this region',
  },
  {
    item: 'kms_requests',
    unit: 'requests',
    prices: ['kmsRequest'],
    // A customer key in any region (kmsKeyArns may name only some): counted for every region, an upper bound.
    applies: (f) => Boolean(f.probe.credentials.kmsKeyArn ?? Object.keys(f.probe.credentials.kmsKeyArns ?? {}).length),
    quantity: (f) => f.secretCalls,
    basis: () => '1 Decrypt per GetSecretValue at $0.03 per 10,000 (the key itself is yours, not counted)',
  },
  {
    item: 'sns',
    unit: 'notifications',
    prices: ['snsPublish', 'snsEmailDelivery'],
    quantity: (f) => f.a.notificationsPerProbeRegion,
    basis: (f) => `${f.a.notificationsPerProbeRegion} alarm notifications, each published and emailed once`,
  },
  {
    item: 'logs',
    unit: 'GB',
    prices: ['logIngestionGb'],
    quantity: (f) => (f.runs * f.a.logBytesPerRun) / 1024 ** 3,
    basis: (f) => `${f.runs} runs × ${f.a.logBytesPerRun} bytes`,
  },
];

function probeRegionCost(
  probe: ResolvedProbe,
  region: string,
  context: RegionContext,
  a: CostAssumptions,
): ProbeRegionCost {
  const facts = regionFacts(probe, context, a);
  const lines = REGION_LINES.filter((priced) => priced.applies?.(facts) ?? true).map((priced) =>
    pricedLine(priced.item, priced.quantity(facts), priced.unit, priced.prices, priced.basis(facts)),
  );
  return {
    probe: probe.name,
    region,
    home: context.home,
    schedule: probe.schedule,
    runsPerMonth: facts.runs,
    requestsPerRun: requestsPerRun(probe),
    billedMsPerRun: facts.billedMs,
    lines,
    monthlyUsd: sum(lines.map((l) => l.monthlyUsd)),
    canaryMonthlyUsd: facts.runs * PRICES.syntheticsCanaryRun.usd,
  };
}

function regionFacts(probe: ResolvedProbe, context: RegionContext, a: CostAssumptions): RegionFacts {
  const runs = runsPerMonth(probe.schedule);
  const coldStarts = coldStartsPerMonth(probe.schedule, a);
  return {
    ...context,
    probe,
    a,
    runs,
    billedMs: a.baseDurationMs + requestsPerRun(probe) * a.perRequestMs,
    gb: a.memoryMb / 1024,
    coldStarts,
    secretCalls: Math.max(coldStarts, Math.min(runs, Math.ceil(SECONDS_PER_MONTH / a.secretCacheTtlSec))),
  };
}

/**
 * PutMetricData calls per run: the regional batch (none under emf) plus, with a global alarm, the
 * Success copy: in the same call (or EMF line) in the home region, one more call from any other region.
 */
function putCallsPerRun(f: RegionFacts): number {
  return (f.transport === 'emf' ? 0 : 1) + (f.copy && !f.home ? 1 : 0);
}

function putBasis(f: RegionFacts): string {
  return [
    f.transport === 'emf' ? 'no call for the regional metrics (EMF)' : '1 per run',
    f.copy && !f.home
      ? '1 per run to the home region (Success by Region)'
      : f.copy
        ? 'the Success copy in the same batch (home region)'
        : 'no Success copy (no global alarm)',
  ].join(' + ');
}

/** A run writes one EMF line, plus one per API step beyond the first. */
function emfLinesPerRun(probe: ResolvedProbe): number {
  return Math.max(1, probe.steps.length);
}

/** Metric-months of one probe in one region, per the metric catalogue and the profile's cadences. */
function metricSeries(
  probe: ResolvedProbe,
  a: CostAssumptions,
  copy: boolean,
  profile: MetricsProfile,
): { metricMonths: number; basis: string } {
  const usesTls = [probe.tokenUrl, probe.issuer, ...probe.steps.map((s) => s.request.url)].some((u) =>
    u?.startsWith('https://'),
  );
  const full: string[] = [];
  let gaugeSeries = 0;
  let whenNonzero = 0;
  for (const metric of Object.values(METRICS)) {
    if (metric === METRICS.certificateDaysLeft && !usesTls) continue;
    if (metric === METRICS.regionalSuccess && !copy) continue;
    // One series per replica region, shared by all its probes: not a per-probe cost.
    if (metric === METRICS.secretVersionDrift) continue;
    const cadence = cadenceIn(metric, profile);
    const copies = metric === METRICS.stepLatency ? probe.steps.length : 1;
    const label = metric === METRICS.regionalSuccess ? 'Success by Region' : metric.name;
    if (cadence === 'every_run') {
      for (let i = 0; i < copies; i++) full.push(label);
    } else if (cadence === 'gauge_interval') gaugeSeries += copies;
    // Failures has one series per code; while unhealthy, count one code at a time.
    else if (cadence === 'when_nonzero') whenNonzero += copies;
    // `when_low` (lean gauges): only while a certificate or credential is about to expire; not counted.
  }
  const gaugeFraction = 1 / GAUGE_INTERVAL_HOURS;
  const unhealthyFraction = Math.min(1, a.unhealthyHoursPerMonth / HOURS_PER_MONTH);
  const metricMonths = full.length + gaugeSeries * gaugeFraction + whenNonzero * unhealthyFraction;
  const names = [...new Set(full)].map((n) => {
    const count = full.filter((f) => f === n).length;
    return count > 1 ? `${count} × ${n}` : n;
  });
  const basis =
    `${full.length} series every run (${names.join(', ')})` +
    (gaugeSeries > 0 ? ` + ${gaugeSeries} gauges × 1/${GAUGE_INTERVAL_HOURS} of the hours` : '') +
    ` + ${whenNonzero} failure series × ${a.unhealthyHoursPerMonth} unhealthy hours` +
    (profile === 'lean' ? ' (lean profile: days-left gauges only while below the expiry threshold)' : '');
  return { metricMonths, basis };
}

/** The multi-region alarm (home region), reading Success by Region of every region the probe runs from. */
function globalLines(global: readonly PlannedAlarm[]): CostLine[] {
  return global.map((alarm) =>
    pricedLine(
      'alarms',
      alarm.metrics,
      'alarm metrics',
      ['alarmStandardMonth'],
      `global alarm over Success by Region of ${alarm.metrics} regions`,
    ),
  );
}

function describeAssumptions(a: CostAssumptions, transport: MetricsTransport, profile: MetricsProfile): string[] {
  return [
    profile === 'lean'
      ? 'Metrics profile: lean (config metrics.profile): Success every run; Degraded and Failures only in unhealthy hours; days-left gauges only while below the expiry threshold; no latency or lifetime series. The latency alarm counts degraded runs (one metric).'
      : 'Metrics profile: full (config metrics.profile): every metric of the catalogue. "lean" keeps every alarm with fewer series; see the profiles side by side.',
    'Prices: us-east-1 list prices in USD with the dates shown; other regions differ. Check them against the live AWS pricing pages before relying on this estimate.',
    'A month is 30 days (a 1-minute schedule is 43,200 runs). No free tier is applied (Lambda, Scheduler 14M, dashboards, canary runs).',
    `Lambda: arm64, ${a.memoryMb} MB; billed ${a.baseDurationMs} ms per run plus ${a.perRequestMs} ms per HTTP request (fresh connection to an internet endpoint: DNS, TCP, TLS, server time). Replace with measured durations for your providers.`,
    `Lambda INIT (billed since 2025-08-01): ${a.initDurationMs} ms per cold start; one cold start per ${a.containerLifetimeHours} h on schedules of ${a.warmIdleMinutes} minutes or less, every run on slower ones.`,
    `Custom metrics per the metric catalogue: every-run series for the whole month; Failures/Degraded only in unhealthy hours (${a.unhealthyHoursPerMonth} assumed); gauges published in one hour of every ${GAUGE_INTERVAL_HOURS}; CredentialDaysLeft counted for every probe (it is published when the secret has expires_at or a client certificate).`,
    transport === 'emf'
      ? `Metrics as EMF log lines: one per run (plus one per API step beyond the first), ${a.emfBytesPerLine} bytes each, billed as log ingestion; PutMetricData only for the Success copy from regions other than the home region. Extracted metrics cost the same as put ones.`
      : 'PutMetricData: one call per run, plus one per run to the home region from each other region for the Success copy.',
    'The Success copy by Region (one series in the home region per probe-region) exists only for a probe running in at least globalFailureRegions regions: the global alarm it feeds exists only then.',
    profile === 'lean'
      ? 'Alarms: standard resolution, billed per metric evaluated (metric math included): availability, stopped, expiry (1 gauge: fewest days left), latency (degraded runs, 1 metric), SLO burn rate (3 single-metric alarms on Success, no composites), and a global alarm per probe running in at least globalFailureRegions regions.'
      : 'Alarms: standard resolution, billed per metric evaluated (metric math included): availability, stopped, expiry (2 gauges), latency (token + each step, only with degradedMs), SLO burn rate (6 window alarms × 2 metrics, 3 composites at $0.50), and a global alarm per probe running in at least globalFailureRegions regions.',
    `Secrets Manager: one GetSecretValue per ${a.secretCacheTtlSec} s per warm container and per cold start; a replica of the secret (billed as a secret) in every region a probe runs from.`,
    `Logs: ${a.logBytesPerRun} bytes ingested per run; storage and retention not counted.`,
    `SNS: ${a.notificationsPerProbeRegion} alarm notifications per probe and region per month, by email; the notifier function's few invocations are not counted.`,
    'CloudWatch Synthetics: one canary per probe and region on the same schedule at $0.0012 per run, before the Lambda, S3 and CloudWatch charges a canary also incurs.',
  ];
}

/**
 * The watchdog's month (plan/watchdog.ts): its Lambda runs, its schedule, its CloudWatch reads, its one
 * secret and its log lines.
 */
function watchdogLines(w: WatchdogPlan, a: CostAssumptions): CostLine[] {
  const gb = 256 / 1024;
  const reads = w.runsPerMonth * (w.metricsReadPerRun + w.describeAlarmsPerRun);
  return [
    pricedLine(
      'lambda_compute',
      w.runsPerMonth * (a.watchdogBilledMs / 1000) * gb,
      'GB-s',
      ['lambdaGbSecondArm64'],
      `watchdog: ${w.runsPerMonth} runs × ${a.watchdogBilledMs} ms × 256 MB (arm64)`,
    ),
    pricedLine(
      'lambda_requests',
      w.runsPerMonth,
      'requests',
      ['lambdaRequest'],
      `watchdog: ${w.runsPerMonth} invocations`,
    ),
    pricedLine(
      'lambda_init',
      w.coldStartsPerMonth * (a.initDurationMs / 1000) * gb,
      'GB-s',
      ['lambdaInitGbSecondArm64'],
      `watchdog: ${w.coldStartsPerMonth} cold starts × ${a.initDurationMs} ms`,
    ),
    pricedLine(
      'eventbridge_rule',
      w.runsPerMonth,
      'invocations',
      ['schedulerInvocation'],
      `watchdog schedule (${w.schedule}): ${w.runsPerMonth} rule invocations, priced as Scheduler invocations (an upper bound)`,
    ),
    pricedLine(
      'cloudwatch_reads',
      reads,
      'API requests',
      ['cloudWatchApiRequest'],
      `watchdog: ${w.runsPerMonth} runs × (${w.metricsReadPerRun} metrics by GetMetricData + ${w.describeAlarmsPerRun} DescribeAlarms requests)`,
    ),
    pricedLine(
      'secrets_manager_api',
      w.secretReadsPerMonth,
      'API calls',
      ['secretsManagerApiCall'],
      'watchdog: the heartbeat URL read per cold start and then every 5 minutes at most',
    ),
    pricedLine('secrets_manager_secret', 1, 'secret-months', ['secretMonth'], 'the heartbeat URL secret (home region)'),
    pricedLine(
      'logs',
      (w.runsPerMonth * a.logBytesPerRun) / 1024 ** 3,
      'GB',
      ['logIngestionGb'],
      `watchdog: ${w.runsPerMonth} runs × ${a.logBytesPerRun} bytes`,
    ),
  ];
}

/** A line of the bill: quantity × the sum of its prices (each product summed, as the bill does). */
function pricedLine(item: CostItem, quantity: number, unit: string, prices: PriceKey[], basis: string): CostLine {
  const monthlyUsd = prices.reduce((total, key) => total + quantity * PRICES[key].usd, 0);
  return { item, quantity, unit, prices, monthlyUsd, basis };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
