/**
 * Loading and validating probes.json: every problem is collected and reported together, each with the
 * path of the field (`probes[0].clientAuth`) and what to do about it. A bad config is a `ConfigError`
 * found at load time, never a failed probe run.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { errorCode } from '../guards.js';
import { describeJsonFault } from '../json-errors.js';
import { unknownRegionProblem } from './aws-regions.js';
import { caProblem } from './ca.js';
import { effectiveProblems } from './effective.js';
import { kmsProblems } from './kms.js';
import { placeholderFindings } from './placeholders.js';
import { ConfigError, type ConfigProblem, formatPath } from './problems.js';
import { caFilePath, DEFAULT_REGIONS, type ResolvedProbe, resolveProbe } from './resolve.js';
import { scheduleProblem } from './schedule.js';
import { configSchema, type ProbesConfig } from './schema.js';

/** Turns zod's issues into problems that say how to fix them. */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest instead of "Invalid input".
      const best = issue.errors.reduce((a, b) => (deepest(b) > deepest(a) ? b : a));
      if (deepest(best) > 0) {
        problems.push(...describeIssues(best, path));
        continue;
      }
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.map(expectedOf)))];
      problems.push({ path: formatPath(path), message: `expected ${expected.join(' or ')}` });
      continue;
    }
    problems.push({ path: formatPath(path), message: describeIssue(issue) });
  }
  return problems;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type') return issue.message;
  if (issue.expected === 'record' || issue.expected === 'object') return 'an object';
  return /^[aeiou]/.test(issue.expected) ? `an ${issue.expected}` : `a ${issue.expected}`;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    case 'invalid_type':
      if ((issue as { input?: unknown }).input === undefined) return `required: add this field (${issue.expected})`;
      return `expected ${issue.expected}, got ${describeValue((issue as { input?: unknown }).input)}`;
    case 'too_small':
      // A message written in the schema says it best; zod's own start with "Too small".
      if (!issue.message.startsWith('Too small')) return issue.message;
      if (issue.origin === 'array')
        return `needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'invalid_key':
      // A record key that failed its own check: say what the key's check says, not "Invalid key in record".
      return issue.issues[0] ? describeIssue(issue.issues[0]) : issue.message;
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export type ParseResult = { ok: true; config: ProbesConfig } | { ok: false; problems: ConfigProblem[] };

/** Validates an already-parsed JSON value against the schema and the deployment rules. */
export function parseConfig(raw: unknown): ParseResult {
  // reportInput: a wrong-typed field says what it found ("expected number, got string"), not "required".
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const problems = deploymentProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/** Rules that need the whole config: schedules, regions, thresholds. */
function deploymentProblems(config: ProbesConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const checkSchedule = (expression: string | undefined, path: string) => {
    if (expression === undefined) return;
    const problem = scheduleProblem(expression);
    if (problem) problems.push({ path, message: problem });
  };
  checkSchedule(config.defaults?.schedule, 'defaults.schedule');
  const checkAlarms = (alarms: ProbesConfig['alarms'], path: string) => {
    if (
      alarms?.datapointsToAlarm !== undefined &&
      alarms.evaluationPeriods !== undefined &&
      alarms.datapointsToAlarm > alarms.evaluationPeriods
    ) {
      problems.push({
        path: `${path}.datapointsToAlarm`,
        message: `must be at most evaluationPeriods (${alarms.evaluationPeriods})`,
      });
    }
  };
  checkAlarms(config.alarms, 'alarms');
  problems.push(...regionProblems(config));
  const allRegions = new Set<string>(config.regions ?? []);
  config.probes.forEach((probe, index) => {
    checkSchedule(probe.schedule, `probes[${index}].schedule`);
    checkAlarms(probe.alarms, `probes[${index}].alarms`);
    for (const region of probe.regions ?? []) allRegions.add(region);
    problems.push(
      ...kmsProblems(
        probe.credentials,
        probe.regions ?? config.regions ?? DEFAULT_REGIONS,
        `probes[${index}].credentials`,
      ),
    );
    problems.push(...effectiveProblems(config, probe, `probes[${index}]`));
    problems.push(...placeholderFindings(probe, `probes[${index}]`).problems);
  });
  if (
    config.homeRegion &&
    config.regions &&
    !config.regions.includes(config.homeRegion) &&
    !allRegions.has(config.homeRegion)
  ) {
    // Allowed (the home region may hold only the dashboard), but say so if it looks like a typo.
  }
  if (
    config.globalFailureRegions !== undefined &&
    allRegions.size > 0 &&
    config.globalFailureRegions > Math.max(allRegions.size, 1)
  ) {
    problems.push({
      path: 'globalFailureRegions',
      message: `is ${config.globalFailureRegions} but probes run from only ${allRegions.size} region(s): lower it or add regions`,
    });
  }
  return problems;
}

/** Every region code in the config that AWS does not have (as far as ./aws-regions.ts knows). */
function regionProblems(config: ProbesConfig): ConfigProblem[] {
  const named: [string, string][] = [];
  if (config.homeRegion) named.push(['homeRegion', config.homeRegion]);
  for (const [i, region] of (config.regions ?? []).entries()) named.push([`regions[${i}]`, region]);
  for (const region of Object.keys(config.vpc ?? {})) named.push([formatPath(['vpc', region]), region]);
  config.probes.forEach((probe, index) => {
    for (const [i, region] of (probe.regions ?? []).entries()) named.push([`probes[${index}].regions[${i}]`, region]);
    for (const region of Object.keys(probe.credentials.kmsKeyArns ?? {}))
      named.push([formatPath(['probes', index, 'credentials', 'kmsKeyArns', region]), region]);
  });
  return named.flatMap(([path, region]) => {
    const message = unknownRegionProblem(region, config.additionalRegions);
    return message ? [{ path, message }] : [];
  });
}

/** Reads and validates a probes.json file. Throws `ConfigError` listing every problem. */
export async function loadConfigFile(path: string): Promise<ProbesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    const message =
      code === 'ENOENT'
        ? 'file not found: check the path, or pass --config FILE'
        : `cannot read the file (${code ?? 'unknown error'})`;
    throw new ConfigError([{ path: '(root)', message }], path);
  }
  return parseConfigText(text, path);
}

/** Parses probes.json text; JSON syntax errors name the line and column. */
export function parseConfigText(text: string, source = 'probes.json'): ProbesConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError([{ path: '(root)', message: `not valid JSON: ${describeJsonFault(text)}` }], source);
  }
  const result = parseConfig(raw);
  if (!result.ok) throw new ConfigError(result.problems, source);
  return result.config;
}

/** `tls.ca` values that are no usable CA certificate: a directory, an unreadable file, not PEM. */
export function caProblems(config: ProbesConfig, baseDir: string | undefined): ConfigProblem[] {
  return config.probes.flatMap((probe, index) => {
    const ca = probe.tls?.ca;
    const message = ca ? caProblem(ca, caFilePath(ca, baseDir)) : undefined;
    return message ? [{ path: `probes[${index}].tls.ca`, message }] : [];
  });
}

/**
 * `resolveProbe(config, probe, { baseDir, inlineFiles: true })` for every probe, with an unreadable
 * `tls.ca` file reported as a config problem at its path (all of them at once) instead of a stack trace.
 */
export function resolveForDeployment(config: ProbesConfig, baseDir?: string, source?: string): ResolvedProbe[] {
  const problems: ConfigProblem[] = caProblems(config, baseDir);
  if (problems.length > 0) throw new ConfigError(problems, source);
  const probes = config.probes.flatMap((probe, index) => {
    try {
      return [resolveProbe(config, probe, { baseDir, inlineFiles: true })];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push({
        path: `probes[${index}].tls.ca`,
        message: `cannot read the CA file (${code}): give a path relative to probes.json, or inline PEM text`,
      });
      return [];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  return probes;
}
