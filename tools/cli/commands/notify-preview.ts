/**
 * `oauth-probe notify-preview`: for a sample incident of one probe, prints what each configured
 * channel would receive (the exact body, PagerDuty's routing key and webhook URLs shown as the secret
 * id they come from, never a value). Nothing is sent and no AWS call is made.
 */

import { ConfigError } from '../../../functions/config/problems.js';
import { alarmName, type RouteTarget, routedSeverity, routeOf } from '../../../functions/contract/index.js';
import { ALL_CODES, STAGES } from '../../../functions/engine/index.js';
import { channelBody } from '../../../functions/runtime/notifier/channels/fan-out.js';
import type { LoggedResult } from '../../../functions/runtime/shared/log.js';
import { buildNotification, type Notification } from '../../../functions/runtime/shared/notification.js';
import {
  alarmsOfProbe,
  authServerOf,
  type DeploymentPlan,
  type PreparedDeployment,
  prepareDeployment,
  routingTable,
} from '../../../plan/index.js';
import { choice, didYouMean, parseCommandArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { configUsageError, DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';

const options = {
  config: { type: 'string', short: 'c' },
  probe: { type: 'string', short: 'p' },
  code: { type: 'string', choices: ALL_CODES },
  stage: { type: 'string', choices: STAGES },
  channel: { type: 'string' },
  state: { type: 'string', choices: ['ALARM', 'OK'] },
  json: { type: 'boolean' },
  ...HELP_OPTION,
} as const;

export const notifyPreviewCommand: Command = {
  name: 'notify-preview',
  summary: 'Print what each notification channel would receive for a sample incident',
  options,
  help: `Usage: oauth-probe notify-preview --probe NAME [--code CODE] [--channel TARGET] [--state ALARM|OK]

Builds the notification of a sample incident of one probe (its page, global alarm when it has one,
failing with CODE) and prints, for each target it is routed to, exactly what would be sent:
PagerDuty event, Slack Block Kit message, Teams Adaptive Card, Chatbot custom notification, email
text, HTTPS JSON. Routing keys and webhook URLs are shown as the Secrets Manager id they are read
from. Nothing is sent.

Options:
  -c, --config FILE   probes.json (default: ${DEFAULT_CONFIG})
  -p, --probe NAME    the probe
      --code CODE     failure code of the sample (default: invalid_client)
      --stage STAGE   stage of the sample failure (default: token)
      --channel NAME  only this target (a name under notifications.targets, or a kind: pagerDuty, slack, ...)
      --state STATE   ALARM (default) or OK (the recovery message)
      --json          the probe's alarms (name, kind, severity, targets, region) and the sample's
                      bodies by target, as one JSON object
  -h, --help          show this help

Examples:
  npx oauth-probe notify-preview --probe billing-api --code invalid_client
  npx oauth-probe notify-preview --probe partner-sync --channel pagerDuty --state OK

Exit codes: 0 printed, 2 bad usage or config (unknown probe or channel).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('notify-preview', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const probeName = values.probe;
    if (!probeName) throw new UsageError("give the probe: --probe NAME; see 'oauth-probe notify-preview --help'");
    const state = values.state ?? 'ALARM';
    const loaded = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
    const config = loaded.config;
    const probe = config.probes.find((p) => p.name === probeName);
    if (!probe) {
      throw new UsageError(
        `no probe "${probeName}" in the config${didYouMean(
          probeName,
          config.probes.map((p) => p.name),
        )} (probes: ${config.probes.map((p) => p.name).join(', ')})`,
      );
    }
    // The plan `validate` checks and `cdk synth` builds: the same alarms, severities and targets.
    let prepared: PreparedDeployment;
    try {
      prepared = prepareDeployment(config, { baseDir: loaded.baseDir, source: loaded.path });
    } catch (error) {
      if (error instanceof ConfigError) throw configUsageError(String(values.config ?? DEFAULT_CONFIG), error.problems);
      throw error;
    }
    const { plan, deployment } = prepared;
    if (!plan.probes.some((p) => p.name === probe.name)) {
      throw new UsageError(`probe "${probe.name}" has "enabled": false: it is not deployed, so it notifies no one`);
    }
    const { routes } = plan.routing;
    const route = routeOf(routes, probe.name);
    const regions = plan.probes.find((p) => p.name === probe.name)!.regions;
    const planned = alarmsOfProbe(plan, probe.name);
    const global = route.page !== 'any-region' && planned.some((a) => a.kind === 'global');
    const kind = global ? 'global' : 'availability';
    const severity = routedSeverity(kind, route.page);
    const channel = values.channel === undefined ? undefined : channelOf(values.channel, routes.targets);
    const names = route[severity].filter(
      (name) => !channel || name === channel || routes.targets[name]?.kind === channel,
    );
    if (channel && names.length === 0) {
      throw new UsageError(
        `no target "${channel}" for ${probe.name} ${severity} notifications (routed to: ${route[severity].join(', ') || 'none'})`,
      );
    }
    const notification = sampleNotification({
      probe: probe.name,
      kind,
      state,
      region: kind === 'global' ? deployment.homeRegion : regions[0]!,
      regions,
      severity,
      code: values.code ?? 'invalid_client',
      stage: values.stage ?? 'token',
      owner: route.owner,
      runbook: probe.runbookUrl,
      homeRegion: deployment.homeRegion,
      authServer: authServerOf(probe),
      targets: route[severity],
    });
    if (values.json) {
      const alarms = planned
        .filter((a) => a.delivery !== 'none')
        .map(({ name, kind, severity, targets, region }) => ({ name, kind, severity, targets, region }));
      const bodies = Object.fromEntries(
        names.flatMap((name) => {
          const target = routes.targets[name];
          return target
            ? [[name, { kind: target.kind, to: destination(target), body: previewValue(target, notification) }]]
            : [];
        }),
      );
      const sample = { kind, severity, state, targets: route[severity], subject: notification.subject, bodies };
      io.stdout.write(`${JSON.stringify({ probe: probe.name, alarms, sample }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(`${probe.name}: its alarms and who hears of them\n`);
    for (const line of alarmLines(plan, probe.name)) io.stdout.write(`${line}\n`);
    io.stdout.write(`\nsample: ${kind} ${severity} ${state} → ${route[severity].join(', ') || 'no target'}\n`);
    io.stdout.write(`subject: ${notification.subject}\n`);
    for (const name of names) {
      const target = routes.targets[name];
      if (!target) continue;
      io.stdout.write(`\n── ${name} (${target.kind}) ${destination(target)}\n${preview(target, notification)}\n`);
    }
    return EXIT.ok;
  },
};

/** The probe's rows of the plan's routing table: alarm kind, severity, targets, regions. */
function alarmLines(plan: DeploymentPlan, probe: string): string[] {
  const rows = routingTable(plan).filter((row) => row.probe === probe);
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  return rows.map(
    (row) =>
      `  ${row.label.padEnd(labelWidth)}  ${(row.severity ?? '').padEnd(8)}  ${row.targets.join(', ') || 'no one'}  (${row.regions.join(', ')})`,
  );
}

/** The kinds of notification target (`--channel` takes a kind or a target's name). */
const TARGET_KINDS = Object.keys({
  pagerDuty: true,
  slack: true,
  teams: true,
  chatbot: true,
  email: true,
  https: true,
} satisfies Record<RouteTarget['kind'], true>);

/** `--channel`: a target name of the config or a kind, else a usage error with "did you mean". */
function channelOf(value: string, targets: Record<string, RouteTarget>): string {
  return choice('notify-preview', 'channel', value, [...Object.keys(targets), ...TARGET_KINDS], 'targets and kinds');
}

function destination(target: RouteTarget): string {
  switch (target.kind) {
    case 'pagerDuty':
      return `POST ${target.eventsUrl}`;
    case 'slack':
    case 'teams':
      return `POST <webhook URL from secret ${target.webhookSecretId}>`;
    case 'chatbot':
      return `SNS Publish ${target.topicArn ?? "the deployment's chat topic"}`;
    case 'email':
      return 'email through the notification topic';
    case 'https':
      return 'HTTPS POST through the notification topic (SNS envelope, Message = this JSON)';
  }
}

function preview(target: RouteTarget, notification: Notification): string {
  const value = previewValue(target, notification);
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** What the target receives: the email text, or the JSON body (secrets shown as the id they come from). */
function previewValue(target: RouteTarget, notification: Notification): unknown {
  if (target.kind === 'email') return `Subject: ${notification.subject}\n\n${notification.text}`;
  if (target.kind === 'https') return notification.document;
  const secret = target.kind === 'pagerDuty' ? `<routing key from secret ${target.routingKeySecretId}>` : '';
  return channelBody(target, notification, secret);
}

interface Sample {
  probe: string;
  kind: 'global' | 'availability';
  state: 'ALARM' | 'OK';
  region: string;
  regions: string[];
  severity: 'warning' | 'critical';
  code: string;
  stage: string;
  owner: string | undefined;
  runbook: string | undefined;
  homeRegion: string;
  authServer: string | undefined;
  targets: string[];
}

/** The notification of a sample incident, built by the same function the notifier uses. */
export function sampleNotification(s: Sample): Notification {
  const at = '2026-11-22T07:06:30.123+0000';
  const name = alarmName(
    s.kind === 'global'
      ? { probe: s.probe, kind: 'global' }
      : { probe: s.probe, kind: 'availability', region: s.region },
  );
  const latest: LoggedResult = {
    probe: s.probe,
    status: 'fail',
    stage: s.stage as LoggedResult['stage'],
    step: null,
    code: s.code,
    message: `sample failure: ${s.stage} ${s.code}`,
    hint: 'sample hint: the probe result of a real failure says what to check',
    httpStatus: s.code === 'invalid_client' ? 401 : null,
    startedAt: '2026-11-22T07:06:00.120Z',
    durationMs: 230,
    exchanges: [],
    token: null,
    warnings: [],
    region: s.region,
  } as LoggedResult;
  const failing = s.kind === 'global' ? s.regions : [s.region];
  return buildNotification({
    alarm: {
      AlarmName: name,
      NewStateValue: s.state,
      OldStateValue: s.state === 'ALARM' ? 'OK' : 'ALARM',
      StateChangeTime: at,
      NewStateReason: 'sample state change (notify-preview)',
    },
    identity:
      s.kind === 'global'
        ? { probe: s.probe, kind: 'global' }
        : { probe: s.probe, kind: 'availability', region: s.region },
    region: s.region,
    latest,
    lastGoodRun: '2026-11-22T06:58:00.000Z',
    ...(s.kind === 'global' ? { failingRegions: failing, reportingRegions: s.regions } : {}),
    severity: s.severity,
    targets: s.targets,
    ...(s.owner ? { owner: s.owner } : {}),
    links: {
      dashboard: `https://${s.homeRegion}.console.aws.amazon.com/cloudwatch/home?region=${s.homeRegion}#dashboards/dashboard/OAuthProbe`,
      alarm: `https://${s.homeRegion}.console.aws.amazon.com/cloudwatch/home?region=${s.homeRegion}#alarmsV2:alarm/${name}`,
      ...(s.runbook ? { runbook: s.runbook } : {}),
    },
  });
}
