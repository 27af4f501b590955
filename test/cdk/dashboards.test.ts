/**
 * The three dashboards within CloudWatch's per-dashboard limits at any fleet size, and every alarm that
 * notifies on the On-call pages: a 3 × 3 and an 8-probe × 3-region app synthesized whole, and 60 probes
 * in 3 regions through the dashboard construct alone: three pages, two of them full (25 probes, the
 * largest a page gets, whatever the fleet). The 1,000-probe dashboards are a benchmark figure (bench/synth.ts).
 */
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  MAX_ALARMS_PER_WIDGET,
  MAX_DASHBOARD_BODY_BYTES,
  MAX_WIDGETS_PER_DASHBOARD,
} from '../../lib/constructs/dashboards/layout.js';
import { ProbeDashboard } from '../../lib/constructs/probe-dashboard.js';
import { planConfig } from '../../plan/index.js';
import { resourcesOf, type SynthesizedApp, synthesize, testApp, validConfig } from './helpers.js';

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

function fleet(count: number) {
  return {
    regions: REGIONS,
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: Array.from({ length: count }, (_, i) => ({
      name: `client-${String(i).padStart(4, '0')}`,
      tokenUrl: 'https://auth.example.com/oauth2/token',
      credentials: { secretId: `oauth-probe/client-${i}` },
      degradedMs: 2000,
      ...(i % 7 === 0 ? { slo: { objective: 99.5, window: '7d' } } : {}),
    })),
  };
}

const synths = new Map<number, SynthesizedApp>();
/** One synth per fleet size, shared by the tests that read it. */
function synthesized(count: number): SynthesizedApp {
  if (!synths.has(count)) synths.set(count, synthesize(fleet(count)));
  return synths.get(count)!;
}

/** The body as deployed, with CloudFormation pseudo parameters as plain text. */
function bodyOf(stack: Stack, dashboard: Record<string, unknown>): string {
  const resolved = stack.resolve(dashboard.DashboardBody) as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '123456789012')).join('');
}

interface Widget {
  type: string;
  properties: { alarms?: string[]; title?: string };
}

function checkLimits(stack: Stack, dashboards: [string, Record<string, unknown>][]) {
  const alarmsShown: string[] = [];
  for (const [, dashboard] of dashboards) {
    const body = bodyOf(stack, dashboard);
    const widgets = (JSON.parse(body) as { widgets: Widget[] }).widgets;
    expect(widgets.length, String(dashboard.DashboardName)).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
    expect(Buffer.byteLength(body), String(dashboard.DashboardName)).toBeLessThanOrEqual(MAX_DASHBOARD_BODY_BYTES);
    for (const widget of widgets.filter((w) => w.type === 'alarm')) {
      expect(widget.properties.alarms!.length).toBeGreaterThan(0);
      expect(widget.properties.alarms!.length).toBeLessThanOrEqual(MAX_ALARMS_PER_WIDGET);
      alarmsShown.push(...widget.properties.alarms!.map((arn) => arn.split(':alarm:')[1]!));
    }
  }
  return alarmsShown;
}

describe('dashboards of a synthesized app', () => {
  it.each([3, 8])(
    '%i probes x 3 regions: within limits, every notifying alarm on an On-call page',
    (count) => {
      const synth = synthesized(count);
      const home = synth.stacks.get(REGIONS[0]!)!;
      const dashboards = resourcesOf(synth.template(REGIONS[0]!), 'AWS::CloudWatch::Dashboard');
      expect(dashboards.map(([, d]) => d.DashboardName).sort()).toEqual([
        'OAuthProbe',
        'OAuthProbe-Debug',
        'OAuthProbe-Executive',
      ]);
      const shown = new Set(checkLimits(home, dashboards));
      const notifying = REGIONS.flatMap((region) =>
        [
          ...resourcesOf(synth.template(region), 'AWS::CloudWatch::Alarm'),
          ...resourcesOf(synth.template(region), 'AWS::CloudWatch::CompositeAlarm'),
        ]
          .filter(([, alarm]) => Array.isArray(alarm.AlarmActions) && alarm.AlarmActions.length > 0)
          .map(([, alarm]) => String(alarm.AlarmName))
          // The notifier's own alarms watch the alert path, not a probe: no probe page lists them.
          .filter((name) => !name.startsWith('OAuthProbe-Notifier-'))
          // Nor the per-region secret drift and throttles warnings, which go straight to the notification topic.
          .filter((name) => !name.startsWith('OAuthProbe-SecretVersionDrift-'))
          .filter((name) => !name.startsWith('OAuthProbe-ProbeThrottles-')),
      );
      expect(notifying.length).toBeGreaterThan(count * REGIONS.length * 6);
      expect(notifying.filter((name) => !shown.has(name))).toEqual([]);
    },
    300_000,
  );

  it('On-call has burn rates, token issuance, stage and code, 401/403 and 429; Debug has the Logs Insights widgets', () => {
    const synth = synthesized(3);
    const home = synth.stacks.get(REGIONS[0]!)!;
    const body = (name: string) =>
      bodyOf(
        home,
        resourcesOf(synth.template(REGIONS[0]!), 'AWS::CloudWatch::Dashboard').find(
          ([, d]) => d.DashboardName === name,
        )![1],
      );
    const onCall = body('OAuthProbe');
    for (const text of [
      'Burn rate fast, 1 h',
      'Burn rate slow, 6 h',
      'Token issuance',
      'TokenSuccess',
      '401/403',
      '429',
      'p99',
    ]) {
      expect(onCall).toContain(text);
    }
    expect(onCall).toContain('{OAuthProbe,Probe,Stage,Code} MetricName=\\"Failures\\"');
    expect(onCall).toContain('(1 - b0) / 0.005');
    expect(onCall).toContain('(1 - b1) / 0.001');
    const executive = body('OAuthProbe-Executive');
    expect(executive).toContain('SLO attainment % over 30 d (objective 99.9 %');
    expect(executive).toContain('Error budget left % over 7 d (objective 99.5 %');
    expect(executive).toContain('SELECT AVG(Success) FROM SCHEMA(\\"OAuthProbe\\", Probe)');
    const debug = body('OAuthProbe-Debug');
    expect(debug).toContain('Latest failing results');
    expect(debug).toContain('filter event = \\"probe_result\\"');
    expect(debug).toContain('CredentialDaysLeft');
  }, 300_000);
});

describe('dashboards of more probes than a page holds', () => {
  it('60 probes x 3 regions: pages of 25 probes, each within every limit, every notifying alarm shown', () => {
    const config = validConfig(fleet(60));
    const app = testApp();
    const stack = new Stack(app, 'Home', { env: { region: REGIONS[0] } });
    // One ProbeDashboard per group of the plan, as OAuthProbes.buildDashboards builds them.
    const groups = planConfig(config).plan.dashboards;
    expect(groups.map((g) => g.probes.length)).toEqual([25, 25, 10]);
    const constructs = groups.map(
      (group) =>
        new ProbeDashboard(stack, `Dashboards${group.index}`, {
          probes: group.probes,
          index: group.index,
          groups: groups.length,
          namespace: 'OAuthProbe',
          globalFailureRegions: 2,
        }),
    );
    const construct = constructs[0]!;
    const template = app.synth().getStackByName('Home').template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const dashboards = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')
      .map((r) => ['', r.Properties] as [string, Record<string, unknown>]);
    expect(dashboards).toHaveLength(3 * 3);
    expect(construct.dashboard.dashboardName).toBeDefined();
    const shown = checkLimits(stack, dashboards);
    // Per probe: global + 3 regions x (3 burn composites, availability, stopped, expiry, latency).
    expect(new Set(shown).size).toBe(60 * (1 + 3 * 7));
  });
});
