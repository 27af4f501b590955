/**
 * The one table of every alarm's severity and who hears of it (docs/alarms.md; README, docs/deploy.md
 * and docs/runtime.md link to it), generated from the deployment plan: a config with one probe per
 * `page` rule, each with every optional alarm (latency, security, global), is planned as `cdk synth`
 * plans it, and each row reads the planned alarms' names, severities, delivery and targets. A new alarm
 * kind in the plan is a new row; a changed severity changes the table, and test/docs/samples.test.ts
 * fails until `npm run docs:samples` writes it.
 */
import { parseConfig } from '../../functions/config/load.js';
import { alarmName, alarmSeverity, PAGE_RULE_VALUES, type PageRuleValue } from '../../functions/contract/index.js';
import {
  alarmKindLabel,
  type DeploymentPlan,
  type PlannedAlarm,
  type PlannedAlarmKind,
  prepareDeployment,
} from '../../plan/index.js';

const HOME = 'eu-west-1';
const OTHER = 'us-east-1';
/** The targets of the planned config: one per severity, both email (so topic alarms reach them too). */
const WARNING_TARGET = 'team';
const CRITICAL_TARGET = 'pager';

/** When a probe has the alarm, for the kinds that not every probe has. */
const CONDITIONS: Partial<Record<PlannedAlarmKind, string>> = {
  latency: 'with a `degradedMs`',
  security: 'with `steps[].rejects`',
  global: 'in ≥ `globalFailureRegions` regions',
  secretDrift: 'where probes run',
  probeThrottles: 'where probes run',
};

const probeName = (page: PageRuleValue) => `page-${page}`;

/** One probe per paging rule, in two regions, with every alarm a probe can have. */
function plannedConfig(): DeploymentPlan {
  const parsed = parseConfig({
    homeRegion: HOME,
    regions: [HOME, OTHER],
    globalFailureRegions: 2,
    notifications: {
      targets: {
        [WARNING_TARGET]: { email: 'team@example.com' },
        [CRITICAL_TARGET]: { email: 'pager@example.com' },
      },
      warning: { targets: [WARNING_TARGET] },
      critical: { targets: [CRITICAL_TARGET] },
    },
    probes: PAGE_RULE_VALUES.map((page) => ({
      name: probeName(page),
      page,
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: `oauth-probe/${page}` },
      degradedMs: 1500,
      runbookUrl: 'https://wiki.example.com/runbook',
      steps: [
        {
          name: 'list',
          request: { method: 'GET', url: 'https://api.example.com/v1/items' },
          rejects: ['missing_token'],
        },
      ],
    })),
  });
  if (!parsed.ok) throw new Error(`the alarm table's config is invalid: ${JSON.stringify(parsed.problems)}`);
  return prepareDeployment(parsed.config).plan;
}

/** `OAuthProbe-<probe>-<region>-Availability`: a planned name with the probe and region as placeholders. */
function namePattern(alarm: PlannedAlarm): string {
  let name = alarm.name;
  if (alarm.probe) name = name.replace(alarm.probe, '<probe>');
  return `\`${name.replace(alarm.region, '<region>')}\``;
}

function severityCell(severity: string | undefined): string {
  return severity === 'critical' ? '**critical**' : (severity ?? '–');
}

/** Who hears of an alarm of this delivery and severity, checked against the planned targets. */
function audience(alarm: PlannedAlarm): string {
  if (alarm.delivery === 'none') return 'nobody: no actions (its composite notifies)';
  if (alarm.delivery === 'topic') {
    if ([...alarm.targets].sort().join() !== [CRITICAL_TARGET, WARNING_TARGET].sort().join()) {
      throw new Error(`${alarm.name}: a topic alarm should reach every email and HTTPS target, got ${alarm.targets}`);
    }
    return 'every email and HTTPS subscriber, straight from CloudWatch (no notifier, no `severity` attribute)';
  }
  const expected = alarm.severity === 'critical' ? [CRITICAL_TARGET, WARNING_TARGET] : [WARNING_TARGET];
  if (alarm.targets.join() !== expected.join()) {
    throw new Error(`${alarm.name}: expected the ${alarm.severity} targets ${expected}, got ${alarm.targets}`);
  }
  return `the notifier, to the ${alarm.severity} targets`;
}

interface Row {
  kind: PlannedAlarmKind | 'rotationTest';
  cells: string[];
}

/** The table as markdown: one row per alarm kind the plan has, plus the rotation-test notification. */
export function alarmSeverityTable(): string {
  const plan = plannedConfig();
  const byKind = new Map<PlannedAlarmKind, PlannedAlarm[]>();
  for (const alarm of plan.alarms) byKind.set(alarm.kind, [...(byKind.get(alarm.kind) ?? []), alarm]);
  const rows: Row[] = [];
  for (const [kind, alarms] of byKind) {
    const first = alarms[0]!;
    const ofPage = (page: PageRuleValue) => alarms.find((a) => a.probe === probeName(page));
    const severities = first.probe
      ? PAGE_RULE_VALUES.map((page) => severityCell(ofPage(page)?.severity))
      : PAGE_RULE_VALUES.map(() => severityCell(first.severity));
    for (const alarm of alarms) audience(alarm);
    const label = kind === 'burnWindow' ? 'Burn windows (`full` profile; `lean` has none)' : alarmKindLabel(kind);
    const condition = CONDITIONS[kind];
    const scope = !first.probe ? 'region' : kind === 'global' ? 'probe (home region)' : 'probe and region';
    const name =
      kind === 'burnWindow'
        ? `\`…-<region>-BurnFast-Long\`, \`-Short\` (and BurnSlow, BurnTicket)`
        : namePattern(first);
    const audiences = [...new Set(PAGE_RULE_VALUES.map((page) => ofPage(page) ?? first).map(audience))];
    rows.push({
      kind,
      cells: [
        condition ? `${label} (${condition})` : label,
        name,
        scope,
        ...severities,
        audiences.length === 1 ? audiences[0]! : 'the notifier, to the targets of its severity',
      ],
    });
  }
  // A failed rotation test raises no alarm: the probe function publishes it (functions/runtime/probe/rotation-notice.ts).
  const rotation = alarmSeverity('rotationTest');
  rows.push({
    kind: 'rotationTest',
    cells: [
      'Rotation test (a notification, no alarm; with `credentials.rotationTest`)',
      `\`${alarmName({ probe: 'x', kind: 'rotationTest', region: HOME }).replace('x', '<probe>').replace(HOME, '<region>')}\``,
      'failed rotation test',
      ...PAGE_RULE_VALUES.map(() => severityCell(rotation)),
      'every email and HTTPS subscriber, published by the probe function (no `targets` attribute)',
    ],
  });
  const header = [
    'alarm',
    'name',
    'one per',
    '`page: "global"` (default)',
    '`page: "any-region"`',
    '`page: "never"`',
    'who hears of it',
  ];
  // The probe's own alarms first (plan order), then the rotation test, then each region's own alarms.
  const ownKinds = new Set(plan.alarms.filter((a) => !a.probe).map((a) => a.kind));
  const ordered = [
    ...rows.filter((r) => !ownKinds.has(r.kind as PlannedAlarmKind)),
    ...rows.filter((r) => ownKinds.has(r.kind as PlannedAlarmKind)),
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map(() => '---')),
    ...ordered.map((row) => line(row.cells)),
    '',
    targetsLegend(plan),
  ].join('\n');
}

/**
 * Which names "the warning targets" and "the critical targets" stand for, read from the plan: the
 * critical alarm of a probe without `notify` reaches the default warning targets too, or not.
 */
function targetsLegend(plan: DeploymentPlan): string {
  const critical = plan.alarms.find((a) => a.probe === probeName('global') && a.kind === 'global');
  const warningToo = critical?.targets.includes(WARNING_TARGET) === true;
  return (
    'The warning targets of a probe are its `notify.warning`, else `notifications.warning`; its critical targets are its `notify.critical`, else `notifications.critical`' +
    (warningToo ? ' together with `notifications.warning`' : '') +
    ' (names from `notifications.targets`, or the addresses listed there). `critical` is a page: PagerDuty gets `payload.severity: critical`, the subject says `[CRITICAL]` (or `[SECURITY]`). ' +
    '"Every email and HTTPS subscriber" means every email and HTTPS target of `notifications`, whatever its severity; PagerDuty, Slack, Teams and Chatbot targets are called by the notifier only, so they do not hear of those.\n'
  );
}
