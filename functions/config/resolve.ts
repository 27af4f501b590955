/**
 * The one place where defaults cascade: probe value → `defaults.<field>` → documented default.
 * A resolved probe is still a valid probe config (it only fills fields in), so the Lambda event that
 * carries it is validated by the same schema.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { DEFAULT_DEPLOYMENT_NAME, defaultNamespace } from '../contract/deployment-name.js';
import { DEFAULT_METRICS_PROFILE, type MetricsProfile } from '../contract/metric-catalogue.js';
// Values from the zod-free defaults, types from the schema: resolving a config loads no zod.
import {
  DEFAULT_GLOBAL_FAILURE_REGIONS,
  DEFAULT_METRICS_TRANSPORT,
  DEFAULT_SCHEDULE,
  DEFAULT_SHARDS,
  DEFAULT_SLO_OBJECTIVE,
  DEFAULT_SLO_WINDOW_DAYS,
  DEFAULT_TIMEOUT_MS,
  type MetricsTransport,
} from './defaults.js';
import type { AlarmSettings, ProbeConfig, ProbesConfig, SloSettings, TokenConfig, TokenReuseConfig } from './schema.js';

/** @default the regions when none are configured */
export const DEFAULT_REGIONS = ['us-east-1'];
/** The hard cap on a run's deadline when none is configured. */
export const MAX_DEFAULT_DEADLINE_MS = 60_000;

export const DEFAULT_ALARMS: Required<AlarmSettings> = {
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  expiryDaysThreshold: 14,
  latencyEvaluationPeriods: 3,
  missingRunsPeriods: 3,
};

/** `token` with its reuse resolved: the settings that apply, or absent (never `false`). */
export type ResolvedTokenConfig = Omit<TokenConfig, 'reuse'> & { reuse?: TokenReuseConfig };

export type ResolvedProbe = Omit<ProbeConfig, 'token'> & {
  token?: ResolvedTokenConfig;
  timeoutMs: number;
  deadlineMs: number;
  schedule: string;
  regions: string[];
  alarms: Required<AlarmSettings>;
  slo: ResolvedSlo;
};

/**
 * `slo` with its defaults applied (objective in percent, window as `"30d"`). Still a valid `slo` of the
 * probe schema, since the resolved probe travels in the schedule's event.
 */
export type ResolvedSlo = Required<SloSettings>;

/** `"30d"` → 30. */
export function sloWindowDays(slo: ResolvedSlo): number {
  return Number.parseInt(slo.window, 10);
}

export interface ResolveOptions {
  /** Folder that relative `tls.ca` paths are resolved against (the folder of probes.json). */
  baseDir?: string;
  /** Read `tls.ca` files into inline PEM (the CDK app does, so the Lambda needs no file). @default false */
  inlineFiles?: boolean;
}

export function resolveProbe(config: ProbesConfig, probe: ProbeConfig, options: ResolveOptions = {}): ResolvedProbe {
  const timeoutMs = probe.timeoutMs ?? config.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const degradedMs = probe.degradedMs ?? config.defaults?.degradedMs;
  const requests = 1 + probe.steps.length + (probe.issuer ? 1 : 0) + (probe.token?.jwt ? 1 : 0);
  const deadlineMs = probe.deadlineMs ?? Math.min(timeoutMs * (requests + 1), MAX_DEFAULT_DEADLINE_MS);
  const resolved: ResolvedProbe = {
    ...probe,
    // In place of the probe's own `token` (key order is kept: the schedule input is this object as JSON).
    token: resolveToken(config, probe),
    timeoutMs,
    deadlineMs,
    schedule: probe.schedule ?? config.defaults?.schedule ?? DEFAULT_SCHEDULE,
    regions: probe.regions ?? config.regions ?? DEFAULT_REGIONS,
    alarms: { ...DEFAULT_ALARMS, ...stripUndefined(config.alarms), ...stripUndefined(probe.alarms) },
    slo: resolveSlo(config, probe),
  };
  if (degradedMs !== undefined) resolved.degradedMs = degradedMs;
  const proxy = probe.proxy ?? config.defaults?.proxy;
  if (proxy !== undefined) resolved.proxy = proxy;
  if (resolved.token === undefined) delete resolved.token;
  if (probe.tls?.ca) resolved.tls = { ca: resolveCa(probe.tls.ca, options) };
  return resolved;
}

export function resolveProbes(config: ProbesConfig, options: ResolveOptions = {}): ResolvedProbe[] {
  return config.probes.map((probe) => resolveProbe(config, probe, options));
}

export interface DeploymentSettings {
  /** Config `name`. @default "oauth-probe" */
  name: string;
  homeRegion: string;
  regions: string[];
  namespace: string;
  globalFailureRegions: number;
  /** `metrics.transport`; when not set, `emf` under the lean profile, else `putMetricData`. */
  metricsTransport: MetricsTransport;
  /** `metrics.profile`. @default full */
  metricsProfile: MetricsProfile;
  /** Shard stacks per region (hash buckets of probe names). */
  shards: number;
  /** Config `tags`. */
  tags: Record<string, string>;
  /** Config `terminationProtection`; undefined = the default (home stack only). */
  terminationProtection?: boolean;
  /** Config `vpc`, by region. */
  vpc: NonNullable<ProbesConfig['vpc']>;
  /** Config `reservedConcurrency`; undefined = nothing reserved (the default). */
  reservedConcurrency?: number | 'auto';
}

/** Top-level deployment settings with their defaults; `regions` is every region any probe runs from. */
export function resolveDeployment(config: ProbesConfig): DeploymentSettings {
  const regions = [...new Set(resolveProbes(config).flatMap((p) => p.regions))];
  // Lean is the cheapest way to keep every alarm: its transport defaults to EMF (no API call per run).
  const profile = config.metrics?.profile ?? DEFAULT_METRICS_PROFILE;
  const name = config.name ?? DEFAULT_DEPLOYMENT_NAME;
  return {
    name,
    homeRegion: config.homeRegion ?? config.regions?.[0] ?? regions[0] ?? DEFAULT_REGIONS[0]!,
    regions,
    namespace: config.namespace ?? defaultNamespace(name),
    globalFailureRegions: config.globalFailureRegions ?? DEFAULT_GLOBAL_FAILURE_REGIONS,
    metricsTransport: config.metrics?.transport ?? (profile === 'lean' ? 'emf' : DEFAULT_METRICS_TRANSPORT),
    metricsProfile: profile,
    shards: config.shards ?? DEFAULT_SHARDS,
    tags: config.tags ?? {},
    terminationProtection: config.terminationProtection,
    vpc: config.vpc ?? {},
    ...(config.reservedConcurrency !== undefined ? { reservedConcurrency: config.reservedConcurrency } : {}),
  };
}

/** The probe's `token` with `reuse` resolved; undefined when it has neither. */
function resolveToken(config: ProbesConfig, probe: ProbeConfig): ResolvedTokenConfig | undefined {
  const reuse = resolveTokenReuse(config, probe);
  if (!probe.token && !reuse) return undefined;
  // `false` only switches the default off: the resolved probe then simply has no reuse.
  const { reuse: _own, ...token } = probe.token ?? {};
  return reuse ? { ...token, reuse } : token;
}

/**
 * probe `token.reuse` → `defaults.token.reuse` → off. `false` on the probe turns a default off. The
 * settings are taken whole (not field by field): `refreshBeforeExpirySec` is checked against the
 * `maxAgeSec` it was written with.
 */
export function resolveTokenReuse(config: ProbesConfig, probe: ProbeConfig): TokenReuseConfig | undefined {
  const own = probe.token?.reuse;
  if (own === false) return undefined;
  return own ?? config.defaults?.token?.reuse;
}

/** probe `slo` → top-level `slo` → 99.9 % over 30 days, field by field. */
export function resolveSlo(config: ProbesConfig, probe: ProbeConfig): ResolvedSlo {
  const objective = probe.slo?.objective ?? config.slo?.objective ?? DEFAULT_SLO_OBJECTIVE;
  const window = probe.slo?.window ?? config.slo?.window ?? `${DEFAULT_SLO_WINDOW_DAYS}d`;
  return { objective, window };
}

/** True when `value` is PEM text rather than a file path. */
export function isInlinePem(value: string): boolean {
  return value.includes('-----BEGIN ');
}

/** The file a `tls.ca` value names (relative to `baseDir`), or undefined when it is inline PEM. */
export function caFilePath(ca: string, baseDir: string | undefined): string | undefined {
  if (isInlinePem(ca)) return undefined;
  return isAbsolute(ca) || !baseDir ? ca : resolvePath(baseDir, ca);
}

function resolveCa(ca: string, options: ResolveOptions): string {
  const path = caFilePath(ca, options.baseDir);
  if (path === undefined) return ca;
  return options.inlineFiles ? readFileSync(path, 'utf8') : path;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
