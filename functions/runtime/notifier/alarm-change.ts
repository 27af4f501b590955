/**
 * The notifier's I/O: from one CloudWatch alarm state change (delivered by the regional AlarmTopic) to
 * one enriched SNS message on the home region's NotificationTopic.
 *
 * Enrichment is best effort: a lookup that fails (logs, metrics) is logged and the message goes out
 * without that part, because an alert with less detail beats no alert. All lookups share one small
 * budget (ENRICHMENT_BUDGET_MS) after which they are aborted, so a hung API delays the alert by at most
 * that long. Only the final Publish failing (or not answering within its own deadline) throws, so that
 * Lambda's asynchronous retries try again (a duplicate alert beats a lost one; the incident key keeps
 * the duplicate in the same incident).
 */
import { readFileSync } from 'node:fs';
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_GLOBAL_FAILURE_REGIONS, DEFAULT_NAMESPACE } from '../../config/defaults.js';
import { type AlarmIdentity, NOTIFICATION_PUBLISHED_EVENT, parseAlarmName } from '../../contract/alarm-naming.js';
import { DIMENSION_PROBE, DIMENSION_REGION, METRICS } from '../../contract/metric-catalogue.js';
import { type NotificationRoutes, parseRoutes } from '../../contract/notification-routes.js';
import { errorName } from '../../guards.js';
import { callDeadline, isAbortError } from '../shared/deadline.js';
import { type LoggedResult, PROBE_RESULT_EVENT, type RuntimeLogger, resultFromLogLine } from '../shared/log.js';
import {
  type AlarmStateChange,
  type AlarmTrigger,
  buildNotification,
  type IncidentGroup,
  incidentKey,
  type Notification,
  pickResult,
  runbookFromDescription,
} from '../shared/notification.js';
import type { PostOptions } from './channels/delivery.js';
import { type ChannelOutcome, fanOut } from './channels/fan-out.js';
import type { ChannelSecrets } from './channels/secrets.js';
import { incidentGroup, routingFor, siblingsStillFailing, suppressedByGlobal } from './incident.js';

/** How far before the state change the probe's log is searched for its latest result. */
export const RESULT_LOOKBACK_MS = 15 * 60_000;
/** Results logged shortly after the state change still describe it (log delivery lags a little). */
export const RESULT_LOOKAHEAD_MS = 60_000;
/** How far back the last good run is looked for. */
export const LAST_GOOD_LOOKBACK_MS = 24 * 3_600_000;
const MAX_LOG_PAGES = 5;
/** Every enrichment lookup together (logs, metrics, all attempts) is aborted after this long. */
export const ENRICHMENT_BUDGET_MS = 3_000;
/** The Publish (all attempts) is aborted after this long, or before Lambda's timeout, whichever is first. */
export const PUBLISH_TIMEOUT_MS = 10_000;
/** Kept after the Publish deadline for the failure's log line, so the run ends logged before Lambda's timeout. */
export const FINISH_RESERVE_MS = 1_000;

export interface NotifierSettings {
  notificationTopicArn: string;
  /** Absent in a home region that runs no probe: the global alarm's message then goes without a result. */
  probeLogGroupName?: string;
  namespace: string;
  homeRegion: string;
  /** The notifier's own region (the alarm's region). */
  region: string;
  dashboardUrl?: string;
  globalFailureRegions: number;
  /** Who is told of what (env NOTIFY_ROUTES). @default no routing: SNS subscribers only, as before */
  routes?: NotificationRoutes;
}

export interface NotifierDeps {
  settings: NotifierSettings;
  logs: () => CloudWatchLogsClient;
  cloudWatch: () => CloudWatchClient;
  /** SNS client of the topic's region. */
  sns: (region: string) => SNSClient;
  logger: RuntimeLogger;
  /** Lambda's remaining time (undefined outside Lambda): bounds the enrichment and the Publish. */
  remainingMs?: () => number | undefined;
  /** @default ENRICHMENT_BUDGET_MS */
  enrichmentBudgetMs?: number;
  /** Native channels (PagerDuty, Slack, Teams, Chatbot) and the alarm-state lookups for one incident per cause. */
  channels?: {
    secrets: ChannelSecrets;
    /** CloudWatch in a region (the home region's global alarms). */
    alarms: (region: string) => CloudWatchClient;
    post?: PostOptions;
  };
}

/** The deadlines of one notification, from Lambda's remaining time when known. */
export function notifyBudgets(
  remainingMs: number | undefined,
  enrichmentBudgetMs = ENRICHMENT_BUDGET_MS,
): { enrichmentMs: number; publishMs: number } {
  const left = remainingMs === undefined ? Number.POSITIVE_INFINITY : remainingMs - FINISH_RESERVE_MS;
  // The Publish keeps at least half of what is left: enrichment never eats the alert's own time.
  const enrichmentMs = Math.max(1, Math.min(enrichmentBudgetMs, left / 2));
  return { enrichmentMs, publishMs: Math.max(1, Math.min(PUBLISH_TIMEOUT_MS, left - enrichmentMs)) };
}

export type NotifyOutcome =
  | {
      published: true;
      subject: string;
      messageId?: string;
      notification: Notification;
      channels?: ChannelOutcome[];
    }
  | { published: false; reason: string };

/** Handles one alarm state change; throws only when the final Publish fails. */
export async function notifyAlarm(alarm: AlarmStateChange, deps: NotifierDeps): Promise<NotifyOutcome> {
  const { settings, logger } = deps;
  const identity = parseAlarmName(alarm.AlarmName);
  if (!identity) return skip(logger, alarm, 'not an oauth-probe alarm name');
  if (alarm.NewStateValue === 'INSUFFICIENT_DATA')
    return skip(logger, alarm, 'INSUFFICIENT_DATA is not a state change people act on');
  if (alarm.NewStateValue === 'OK' && alarm.OldStateValue !== 'ALARM') {
    // A new alarm goes INSUFFICIENT_DATA → OK on deployment: nothing recovered, nobody to tell.
    return skip(logger, alarm, `OK after ${alarm.OldStateValue ?? 'unknown'} is not a recovery`);
  }
  const region = identity.region ?? regionFromArn(alarm.AlarmArn) ?? settings.region;
  const at = parseStateChangeTime(alarm.StateChangeTime);
  const budgets = notifyBudgets(deps.remainingMs?.(), deps.enrichmentBudgetMs);
  const enrichment = callDeadline(budgets.enrichmentMs);
  const routes = settings.routes;
  const routing = routes ? routingFor(routes, identity) : undefined;
  const homeAlarms = deps.channels ? deps.channels.alarms(settings.homeRegion) : undefined;
  if (routes && homeAlarms && (await suppressedByGlobal(identity, homeAlarms, logger))) {
    return skip(logger, alarm, 'global alarm of this probe is in ALARM: its page covers this regional alert');
  }

  const [results, metricFacts] = await Promise.all([
    findResults(deps, identity.probe, at, enrichment),
    identity.kind === 'global'
      ? regionalFacts(deps, identity.probe, alarm.Trigger, at, enrichment)
      : lastGoodRun(deps, identity.probe, at, enrichment),
  ]);
  const latest = pickResult(results ?? [], identity, alarm.NewStateValue);
  const runbook = runbookFromDescription(alarm.AlarmDescription) ?? latest?.runbookUrl;
  const grouping = await groupIncident(deps, identity, alarm, latest, at);
  const notification = buildNotification({
    ...(routing
      ? {
          severity: routing.severity,
          targets: routing.targets,
          ...(routing.owner ? { owner: routing.owner } : {}),
        }
      : {}),
    ...(grouping.group ? { group: grouping.group } : {}),
    alarm,
    identity,
    region,
    ...(latest ? { latest } : {}),
    ...('lastGood' in metricFacts ? { lastGoodRun: metricFacts.lastGood } : {}),
    ...('failing' in metricFacts
      ? {
          failingRegions: metricFacts.failing,
          reportingRegions: metricFacts.reporting,
          lastGoodRun: metricFacts.lastGoodAny,
        }
      : {}),
    globalFailureRegions: settings.globalFailureRegions,
    links: {
      ...(settings.dashboardUrl ? { dashboard: settings.dashboardUrl } : {}),
      ...(settings.probeLogGroupName
        ? { logs: logsInsightsUrl(settings.region, settings.probeLogGroupName, resultQuery(identity.probe)) }
        : {}),
      alarm: alarmConsoleUrl(identity.kind === 'global' ? settings.homeRegion : region, alarm.AlarmName),
      ...(runbook ? { runbook } : {}),
    },
  });
  if (grouping.resolveKeys) notification.resolveKeys = grouping.resolveKeys;
  const topicRegion = regionFromArn(settings.notificationTopicArn) ?? settings.homeRegion;
  let output: { MessageId?: string };
  try {
    output = await deps.sns(topicRegion).send(
      new PublishCommand({
        TopicArn: settings.notificationTopicArn,
        Subject: notification.subject,
        Message: notification.message,
        MessageStructure: 'json',
        MessageAttributes: notification.attributes,
      }),
      { abortSignal: callDeadline(budgets.publishMs) },
    );
  } catch (error) {
    logger.error('notification publish failed; the invocation fails so that Lambda retries it', {
      event: 'notification_publish_failed',
      alarmName: alarm.AlarmName,
      probe: identity.probe,
      incidentKey: notification.document.incidentKey,
      errorName: (error as { name?: string } | null)?.name ?? 'UnknownError',
      aborted: isAbortError(error),
    });
    throw error;
  }
  logger.info('notification published', {
    event: NOTIFICATION_PUBLISHED_EVENT,
    incidentKey: notification.document.incidentKey,
    alarmName: alarm.AlarmName,
    probe: identity.probe,
    kind: identity.kind,
    state: alarm.NewStateValue,
    severity: notification.document.severity,
    subject: notification.subject,
    messageId: output.MessageId,
  });
  const channels =
    routes && routing && deps.channels
      ? await fanOut(notification, routing.targets, {
          routes,
          secrets: deps.channels.secrets,
          sns: deps.sns,
          logger,
          ...(deps.channels.post ? { post: deps.channels.post } : {}),
        })
      : undefined;
  return {
    published: true,
    subject: notification.subject,
    notification,
    ...(output.MessageId ? { messageId: output.MessageId } : {}),
    ...(channels ? { channels } : {}),
  };
}

/** Global alarms only: the shared incident this one joins (ALARM), or which keys its OK resolves. */
async function groupIncident(
  deps: NotifierDeps,
  identity: AlarmIdentity,
  alarm: AlarmStateChange,
  latest: LoggedResult | undefined,
  at: Date,
): Promise<{ group?: IncidentGroup; resolveKeys?: string[] }> {
  const routes = deps.settings.routes;
  if (!routes || !deps.channels || identity.kind !== 'global') return {};
  const client = deps.channels.alarms(deps.settings.homeRegion);
  if (alarm.NewStateValue === 'ALARM') {
    const group = await incidentGroup({
      routes,
      probe: identity.probe,
      stage: latest?.stage ?? null,
      at,
      client,
      logger: deps.logger,
      stageOf: async (probe) => {
        const results = await findResults(deps, probe, at, callDeadline(ENRICHMENT_BUDGET_MS));
        return results ? (pickResult(results, { probe, kind: 'global' }, 'ALARM')?.stage ?? null) : undefined;
      },
    });
    return group ? { group } : {};
  }
  const still = await siblingsStillFailing(routes, identity.probe, client, deps.logger);
  if (still.length > 0) return { resolveKeys: [] };
  const members = [
    identity.probe,
    ...Object.keys(routes.probes).filter(
      (p) =>
        p !== identity.probe &&
        routes.probes[p]?.authServer &&
        routes.probes[p]?.authServer === routes.probes[identity.probe]?.authServer,
    ),
  ];
  return members.length > 1
    ? { resolveKeys: members.map((p) => incidentKey({ probe: p, kind: 'global' }, 'critical')) }
    : {};
}

function skip(logger: RuntimeLogger, alarm: AlarmStateChange, reason: string): NotifyOutcome {
  logger.info('notification skipped', {
    event: 'notification_skipped',
    alarmName: alarm.AlarmName,
    state: alarm.NewStateValue,
    reason,
  });
  return { published: false, reason };
}

/** The probe's logged results from RESULT_LOOKBACK_MS before the state change; undefined when the lookup failed. */
async function findResults(
  deps: NotifierDeps,
  probe: string,
  at: Date,
  abortSignal: AbortSignal,
): Promise<LoggedResult[] | undefined> {
  const logGroupName = deps.settings.probeLogGroupName;
  if (!logGroupName) return undefined;
  const results: LoggedResult[] = [];
  try {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LOG_PAGES; page += 1) {
      const output = await deps.logs().send(
        new FilterLogEventsCommand({
          logGroupName,
          filterPattern: resultFilterPattern(probe),
          startTime: at.getTime() - RESULT_LOOKBACK_MS,
          endTime: at.getTime() + RESULT_LOOKAHEAD_MS,
          ...(nextToken ? { nextToken } : {}),
        }),
        { abortSignal },
      );
      for (const event of output.events ?? []) {
        const result = event.message ? resultFromLogLine(event.message) : undefined;
        if (result?.probe === probe) results.push(result);
      }
      nextToken = output.nextToken;
      if (!nextToken) break;
    }
    return results;
  } catch (error) {
    enrichmentFailed(deps.logger, 'FilterLogEvents', probe, error);
    return undefined;
  }
}

/** The CloudWatch Logs filter pattern that selects a probe's per-run lines. */
export function resultFilterPattern(probe: string): string {
  return `{ ($.event = "${PROBE_RESULT_EVENT}") && ($.probe = "${probe}") }`;
}

/** The Logs Insights query for a probe's recent results (linked from notifications, documented in docs/runtime.md). */
export function resultQuery(probe: string): string {
  return [
    'fields @timestamp, status, stage, step, code, message, hint, httpStatus, durationMs',
    `| filter event = "${PROBE_RESULT_EVENT}" and probe = "${probe}"`,
    '| sort @timestamp desc',
    '| limit 100',
  ].join('\n');
}

/** Last passing run of the probe in this region: the newest minute whose `Success` Maximum is 1. */
async function lastGoodRun(
  deps: NotifierDeps,
  probe: string,
  at: Date,
  abortSignal: AbortSignal,
): Promise<{ lastGood?: string | null }> {
  try {
    const output = await deps.cloudWatch().send(
      new GetMetricDataCommand({
        StartTime: new Date(at.getTime() - LAST_GOOD_LOOKBACK_MS),
        EndTime: new Date(at.getTime() + 60_000),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [successQuery('s0', deps.settings.namespace, [{ Name: DIMENSION_PROBE, Value: probe }])],
      }),
      { abortSignal },
    );
    const series = output.MetricDataResults?.find((r) => r.Id === 's0');
    return { lastGood: newestGood(series?.Timestamps, series?.Values) };
  } catch (error) {
    enrichmentFailed(deps.logger, 'GetMetricData', probe, error);
    return {};
  }
}

interface RegionalFacts {
  failing: string[];
  reporting: string[];
  lastGoodAny?: string | null;
}

/** Global alarm: which regions' `Success` copies (in the home region) are failing now. */
async function regionalFacts(
  deps: NotifierDeps,
  probe: string,
  trigger: AlarmTrigger | undefined,
  at: Date,
  abortSignal: AbortSignal,
): Promise<RegionalFacts> {
  const { namespace } = deps.settings;
  try {
    let regions = regionsFromTrigger(trigger, probe);
    if (regions.length === 0) {
      const listed = await deps.cloudWatch().send(
        new ListMetricsCommand({
          Namespace: namespace,
          MetricName: METRICS.regionalSuccess.name,
          Dimensions: [{ Name: DIMENSION_PROBE, Value: probe }, { Name: DIMENSION_REGION }],
        }),
        { abortSignal },
      );
      regions = [
        ...new Set(
          (listed.Metrics ?? [])
            .map((m) => m.Dimensions?.find((d) => d.Name === DIMENSION_REGION)?.Value)
            .filter((r): r is string => typeof r === 'string'),
        ),
      ].sort();
    }
    if (regions.length === 0) return { failing: [], reporting: [] };
    const output = await deps.cloudWatch().send(
      new GetMetricDataCommand({
        StartTime: new Date(at.getTime() - LAST_GOOD_LOOKBACK_MS),
        EndTime: new Date(at.getTime() + 60_000),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: regions.map((region, index) =>
          successQuery(`r${index}`, namespace, [
            { Name: DIMENSION_PROBE, Value: probe },
            { Name: DIMENSION_REGION, Value: region },
          ]),
        ),
      }),
      { abortSignal },
    );
    const failing: string[] = [];
    const reporting: string[] = [];
    let lastGoodAny: string | null = null;
    regions.forEach((region, index) => {
      const series = output.MetricDataResults?.find((r) => r.Id === `r${index}`);
      const timestamps = series?.Timestamps ?? [];
      const values = series?.Values ?? [];
      const newest = newestIndex(timestamps);
      if (newest === undefined || timestamps[newest]!.getTime() < at.getTime() - RESULT_LOOKBACK_MS) return;
      reporting.push(region);
      if (values[newest] === 0) failing.push(region);
      const good = newestGood(timestamps, values);
      if (good && (!lastGoodAny || good > lastGoodAny)) lastGoodAny = good;
    });
    return { failing, reporting, lastGoodAny };
  } catch (error) {
    enrichmentFailed(deps.logger, 'GetMetricData', probe, error);
    return { failing: [], reporting: [] };
  }
}

/** The regions of the `Success`+`Region` copies that a metric-math alarm reads. */
export function regionsFromTrigger(trigger: AlarmTrigger | undefined, probe: string): string[] {
  const regions = new Set<string>();
  for (const metric of trigger?.Metrics ?? []) {
    const m = metric.MetricStat?.Metric;
    if (!m || m.MetricName !== METRICS.regionalSuccess.name) continue;
    const dims = new Map((m.Dimensions ?? []).map((d) => [d.name ?? d.Name, d.value ?? d.Value]));
    const region = dims.get(DIMENSION_REGION);
    if (region && dims.get(DIMENSION_PROBE) === probe) regions.add(region);
  }
  return [...regions].sort();
}

function successQuery(id: string, namespace: string, dimensions: { Name: string; Value: string }[]): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: METRICS.success.name, Dimensions: dimensions },
      Period: 60,
      Stat: 'Maximum',
    },
    ReturnData: true,
  };
}

function newestIndex(timestamps: Date[]): number | undefined {
  let best: number | undefined;
  timestamps.forEach((t, i) => {
    if (best === undefined || t.getTime() > timestamps[best]!.getTime()) best = i;
  });
  return best;
}

function newestGood(timestamps: Date[] | undefined, values: number[] | undefined): string | null {
  let best: Date | undefined;
  (timestamps ?? []).forEach((t, i) => {
    if ((values?.[i] ?? 0) >= 1 && (!best || t.getTime() > best.getTime())) best = t;
  });
  return best ? best.toISOString() : null;
}

function enrichmentFailed(logger: RuntimeLogger, operation: string, probe: string, error: unknown): void {
  logger.warn('notification enrichment failed; sending without it', {
    event: 'notification_enrichment_failed',
    operation,
    probe,
    errorName: errorName(error),
    aborted: isAbortError(error),
  });
}

/** CloudWatch writes `2026-11-22T03:05:43.123+0000`; Date.parse wants `+00:00`. */
export function parseStateChangeTime(value: string | undefined): Date {
  const normalized = (value ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalized);
  return Number.isNaN(time) ? new Date() : new Date(time);
}

export function regionFromArn(arn: string | undefined): string | undefined {
  const parts = (arn ?? '').split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

function consoleHost(region: string): string {
  return region.startsWith('cn-') ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
}

/** Console link that opens Logs Insights with `query` on `logGroup` over the last 24 hours. */
export function logsInsightsUrl(region: string, logGroup: string, query: string): string {
  // The console's own encoding: values URI-encoded with % turned into *, then the fragment's query
  // string URI-encoded again with % turned into $.
  const inner = (value: string) => encodeURIComponent(value).replace(/%/g, '*');
  const detail = `~(end~0~start~-86400~timeType~'RELATIVE~unit~'seconds~editorString~'${inner(query)}~source~(~'${inner(logGroup)}))`;
  const fragment = encodeURIComponent(`?queryDetail=${detail}`).replace(/%/g, '$');
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}#logsV2:logs-insights${fragment}`;
}

export function alarmConsoleUrl(region: string, alarmName: string): string {
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** Notifier settings from the environment (names in functions/contract/environment.ts). */
export function notifierSettingsFromEnv(
  env: NodeJS.ProcessEnv,
  names: {
    notificationTopicArn: string;
    probeLogGroupName: string;
    namespace: string;
    homeRegion: string;
    dashboardUrl: string;
    globalFailureRegions: string;
    notifyRoutes?: string;
    notifyRoutesFile?: string;
    chatTopicArn?: string;
  },
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): NotifierSettings {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const topic = env[names.notificationTopicArn];
  const logGroup = env[names.probeLogGroupName];
  if (!topic) throw new TypeError(`notifier environment is missing ${names.notificationTopicArn}`);
  const regions = Number(env[names.globalFailureRegions]);
  const dashboardUrl = env[names.dashboardUrl];
  // The file (a fleet's table) wins over the environment variable. Unreadable is the notifier's own
  // failure, not the input's: it throws, so Lambda retries and the dead letter and Errors alarm tell people.
  const routesFile = names.notifyRoutesFile ? env[names.notifyRoutesFile] : undefined;
  const routesText = routesFile ? readFile(routesFile) : names.notifyRoutes ? env[names.notifyRoutes] : undefined;
  const chatTopicArn = names.chatTopicArn ? env[names.chatTopicArn] : undefined;
  return {
    ...(routesText ? { routes: parseRoutes(routesText, chatTopicArn) } : {}),
    notificationTopicArn: topic,
    ...(logGroup ? { probeLogGroupName: logGroup } : {}),
    namespace: env[names.namespace] || DEFAULT_NAMESPACE,
    homeRegion: env[names.homeRegion] || region,
    region,
    globalFailureRegions: Number.isInteger(regions) && regions > 0 ? regions : DEFAULT_GLOBAL_FAILURE_REGIONS,
    ...(dashboardUrl ? { dashboardUrl } : {}),
  };
}
