/**
 * The dashboards in the home region: Executive, On-call and Debug (./dashboards/pages.ts), each split
 * into pages of PROBES_PER_PAGE probes so that any number of probes deploys within CloudWatch's
 * per-dashboard limits. The On-call family keeps the name `OAuthProbe` (the one notifications link to);
 * the others are `OAuthProbe-Executive` and `OAuthProbe-Debug`; pages beyond the first get `-2`, `-3`...
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
import { type AlarmKind, alarmName, BURN_KINDS, hasGlobalAlarm } from '../../functions/contract/index.js';
import { alarmArn, DASHBOARD_NAME } from '../names.js';
import { chunk, FULL, HEIGHT, MAX_ALARMS_PER_WIDGET, PROBES_PER_PAGE, pageName } from './dashboards/layout.js';
import { DebugPage, ExecutivePage, OnCallPage, type PageInput } from './dashboards/pages.js';
import { latencyTargets } from './probe-alarms.js';

export interface ProbeDashboardProps {
  probes: ResolvedProbe[];
  namespace: string;
  globalFailureRegions: number;
  /** Probe log group names by region, where this stack knows them (its own region). */
  logGroups?: ReadonlyMap<string, string>;
}

export const EXECUTIVE_DASHBOARD_NAME = `${DASHBOARD_NAME}-Executive`;
export const DEBUG_DASHBOARD_NAME = `${DASHBOARD_NAME}-Debug`;

export class ProbeDashboard extends Construct {
  /** The first On-call page (`OAuthProbe`), linked from notifications. */
  readonly dashboard: cloudwatch.Dashboard;
  readonly dashboards: cloudwatch.Dashboard[] = [];

  constructor(scope: Construct, id: string, props: ProbeDashboardProps) {
    super(scope, id);
    const pages = chunk(props.probes, PROBES_PER_PAGE);
    pages.forEach((probes, index) => {
      const input: Omit<PageInput, 'title'> = {
        namespace: props.namespace,
        probes,
        regions: [...new Set(probes.flatMap((p) => p.regions))],
        first: index === 0,
        logGroups: props.logGroups,
      };
      const of = pages.length > 1 ? ` (page ${index + 1} of ${pages.length})` : '';
      this.page(
        pageName(DASHBOARD_NAME, index),
        new OnCallPage({
          ...input,
          title: `oauth-probe On-call${of}`,
          alarmWidgets: this.createAlarmWidgets(probes, props.globalFailureRegions),
        }).widgets(),
      );
      this.page(
        pageName(EXECUTIVE_DASHBOARD_NAME, index),
        new ExecutivePage({ ...input, title: `oauth-probe Executive${of}` }).widgets(),
      );
      this.page(
        pageName(DEBUG_DASHBOARD_NAME, index),
        new DebugPage({ ...input, title: `oauth-probe Debug${of}` }).widgets(),
      );
    });
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
    const names = probe.regions.flatMap((region) =>
      kinds.map((kind) => ({ region, name: alarmName({ probe: probe.name, kind, region }) })),
    );
    if (hasGlobalAlarm(probe, globalFailureRegions)) {
      names.unshift({ region: stack.region, name: alarmName({ probe: probe.name, kind: 'global' }) });
    }
    return names.map(({ region, name }) =>
      cloudwatch.Alarm.fromAlarmArn(this, `Ref-${name}`, alarmArn(stack, region, name)),
    );
  }
}
