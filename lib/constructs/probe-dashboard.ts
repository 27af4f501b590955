/**
 * The dashboards of one dashboard group of the plan (functions/config/limits.ts `dashboardGroups`: at
 * most DASHBOARD_LAYOUT.probesPerDashboard probes, within the widget and body budgets): On-call,
 * Executive and Debug (./dashboards/pages.ts). The On-call page keeps the deployment's dashboard name
 * (`OAuthProbe`, `OAuthProbe-2`, ...: `dashboardName(deployment, index)`, the one notifications link
 * to); the others are `OAuthProbe-Executive` and `OAuthProbe-Debug` (`-2`, `-3`... for further groups),
 * with the deployment's name in place of `OAuthProbe` for a named deployment.
 *
 * Raw aws-cloudwatch rather than cdk-monitoring-constructs: its monitors are built around AWS resources
 * in the stack's own region, while these pages are custom metrics from several regions queried by SEARCH
 * and Metrics Insights with a search region, and alarm widgets over alarms that live in other stacks
 * (by ARN); its CustomMonitoring would hide the per-region, per-page layout this exists to bound.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import {
  type AlarmKind,
  alarmName,
  BURN_KINDS,
  DEFAULT_DEPLOYMENT_NAME,
  deploymentDashboardName,
  hasGlobalAlarm,
  type MetricsProfile,
} from '../../functions/contract/index.js';
import { alarmArn, dashboardName } from '../names.js';
import { chunk, FULL, HEIGHT, MAX_ALARMS_PER_WIDGET, pageName } from './dashboards/layout.js';
import { DebugPage, ExecutivePage, OnCallPage, type PageInput } from './dashboards/pages.js';
import { latencyTargets } from './probe-alarms.js';

export interface ProbeDashboardProps {
  /** The group's probes (the plan keeps them within DASHBOARD_LAYOUT.probesPerDashboard). */
  probes: ResolvedProbe[];
  /** Config `name`: dashboard and alarm names. @default "oauth-probe" */
  deployment?: string;
  /** Index of the group in the plan (0: the first, `OAuthProbe`). @default 0 */
  index?: number;
  /** Number of groups in the plan, for the "page i of n" titles. @default 1 */
  groups?: number;
  /** Name of the On-call dashboard. @default dashboardName(deployment, index) */
  dashboardName?: string;
  namespace: string;
  globalFailureRegions: number;
  /** `metrics.profile`: the pages graph only what it publishes. @default full */
  profile?: MetricsProfile;
  /** Probe log group names by region, where this stack knows them (its own region). */
  logGroups?: ReadonlyMap<string, string>;
}

/** `OAuthProbe-Executive` (default deployment), `staging-Executive`; `-2`, ... for further groups. */
export function executiveDashboardName(deployment = DEFAULT_DEPLOYMENT_NAME, index = 0): string {
  return pageName(deploymentDashboardName(deployment, 'Executive'), index);
}

/** `OAuthProbe-Debug` (default deployment), `staging-Debug`; `-2`, ... for further groups. */
export function debugDashboardName(deployment = DEFAULT_DEPLOYMENT_NAME, index = 0): string {
  return pageName(deploymentDashboardName(deployment, 'Debug'), index);
}

export class ProbeDashboard extends Construct {
  /** The group's On-call page (`OAuthProbe` for the first group), linked from notifications. */
  readonly dashboard: cloudwatch.Dashboard;
  /** On-call, Executive, Debug. */
  readonly dashboards: cloudwatch.Dashboard[] = [];
  private readonly deployment: string;

  constructor(scope: Construct, id: string, props: ProbeDashboardProps) {
    super(scope, id);
    const { probes } = props;
    const index = props.index ?? 0;
    const groups = props.groups ?? 1;
    this.deployment = props.deployment ?? DEFAULT_DEPLOYMENT_NAME;
    const input: Omit<PageInput, 'title'> = {
      namespace: props.namespace,
      probes,
      regions: [...new Set(probes.flatMap((p) => p.regions))],
      first: index === 0,
      profile: props.profile ?? 'full',
      logGroups: props.logGroups,
    };
    const of = groups > 1 ? ` (page ${index + 1} of ${groups})` : '';
    this.page(
      props.dashboardName ?? dashboardName(this.deployment, index),
      new OnCallPage({
        ...input,
        title: `oauth-probe On-call${of}`,
        alarmWidgets: this.createAlarmWidgets(probes, props.globalFailureRegions),
      }).widgets(),
    );
    this.page(
      executiveDashboardName(this.deployment, index),
      new ExecutivePage({ ...input, title: `oauth-probe Executive${of}` }).widgets(),
    );
    this.page(
      debugDashboardName(this.deployment, index),
      new DebugPage({ ...input, title: `oauth-probe Debug${of}` }).widgets(),
    );
    this.dashboard = this.dashboards[0]!;
  }

  private page(name: string, widgets: cloudwatch.IWidget[]): void {
    const dashboard = new cloudwatch.Dashboard(this, name, {
      dashboardName: name,
      defaultInterval: Duration.hours(3),
    });
    // Rows of up to 24 columns, in order: addWidgets per widget would stack them one per row.
    let row: cloudwatch.IWidget[] = [];
    let width = 0;
    for (const widget of widgets) {
      if (width + widget.width > FULL && row.length > 0) {
        dashboard.addWidgets(new cloudwatch.Row(...row));
        row = [];
        width = 0;
      }
      row.push(widget);
      width += widget.width;
    }
    if (row.length > 0) dashboard.addWidgets(new cloudwatch.Row(...row));
    this.dashboards.push(dashboard);
  }

  /** Every alarm that notifies, of the page's probes in every region, 100 per widget at most. */
  createAlarmWidgets(probes: readonly ResolvedProbe[], globalFailureRegions: number): cloudwatch.IWidget[] {
    const alarms = probes.flatMap((probe) => this.alarmRefs(probe, globalFailureRegions));
    const widgets = chunk(alarms, MAX_ALARMS_PER_WIDGET);
    return widgets.map(
      (group, index) =>
        new cloudwatch.AlarmStatusWidget({
          title: widgets.length > 1 ? `Alarms (${index + 1} of ${widgets.length})` : 'Alarms',
          alarms: group,
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          width: FULL,
          height: HEIGHT,
        }),
    );
  }

  /** Alarms of a probe in every region, by deterministic ARN (the alarms live in other stacks). */
  private alarmRefs(probe: ResolvedProbe, globalFailureRegions: number): cloudwatch.IAlarm[] {
    const stack = Stack.of(this);
    const kinds: AlarmKind[] = [...BURN_KINDS, 'availability', 'stopped', 'expiry'];
    if (latencyTargets(probe, '', stack.region).length > 0) kinds.push('latency');
    if (probe.steps.some((step) => (step.rejects?.length ?? 0) > 0)) kinds.push('security');
    const names = probe.regions.flatMap((region) =>
      kinds.map((kind) => ({
        region,
        name: alarmName({ deployment: this.deployment, probe: probe.name, kind, region }),
      })),
    );
    if (hasGlobalAlarm(probe, globalFailureRegions)) {
      names.unshift({
        region: stack.region,
        name: alarmName({ deployment: this.deployment, probe: probe.name, kind: 'global' }),
      });
    }
    return names.map(({ region, name }) =>
      cloudwatch.Alarm.fromAlarmArn(this, `Ref-${name}`, alarmArn(stack, region, name)),
    );
  }
}
