/**
 * The probe function learns how to publish (METRICS_TRANSPORT) and when to send the Success copy for the
 * global alarm (GLOBAL_FAILURE_REGIONS); the global alarm and the dashboard follow the same rule
 * (hasGlobalAlarm).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { PROBE_ENV } from '../../functions/contract/environment.js';
import { resourcesOf, type SynthesizedApp, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';
const AP = 'ap-southeast-2';

const probe = (name: string, regions: string[]) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: `oauth-probe/${name}` },
  regions,
});

const config: ProbesConfigInput = {
  homeRegion: EU,
  regions: [EU, US, AP],
  globalFailureRegions: 3,
  metrics: { transport: 'emf' },
  notifications: { warning: { emails: ['ops@example.com'] } },
  // wide: 3 regions (global alarm); pair: 2 of 3 (none); solo: one region that is not the home region.
  probes: [probe('wide', [EU, US, AP]), probe('pair', [EU, US]), probe('solo', [AP])],
};

function probeEnv(synth: SynthesizedApp, region: string): Record<string, string> {
  const [, props] = resourcesOf(synth.template(region), 'AWS::Lambda::Function').find(([, p]) =>
    String(p.Description).startsWith('oauth-probe: runs'),
  )!;
  return (props.Environment as { Variables: Record<string, string> }).Variables;
}

function dashboardBody(synth: SynthesizedApp): string {
  const [, props] = resourcesOf(synth.template(EU), 'AWS::CloudWatch::Dashboard')[0]!;
  const body = props.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  return typeof body === 'string' ? body : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '')).join('');
}

describe('metrics transport and the Success copy', () => {
  let synth: SynthesizedApp;
  beforeAll(() => {
    synth = synthesize(config);
  });

  it('sets METRICS_TRANSPORT and GLOBAL_FAILURE_REGIONS on the probe function of every region', () => {
    for (const region of [EU, US, AP]) {
      expect(probeEnv(synth, region)).toMatchObject({
        [PROBE_ENV.metricsTransport]: 'emf',
        [PROBE_ENV.globalFailureRegions]: '3',
      });
    }
  });

  it('defaults METRICS_TRANSPORT to putMetricData and GLOBAL_FAILURE_REGIONS to 2', () => {
    const plain = synthesize({
      regions: [EU],
      notifications: { warning: { emails: ['ops@example.com'] } },
      probes: [probe('solo', [EU])],
    });

    expect(probeEnv(plain, EU)).toMatchObject({ METRICS_TRANSPORT: 'putMetricData', GLOBAL_FAILURE_REGIONS: '2' });
  });

  it('creates the global alarm only for the probe with regions >= globalFailureRegions', () => {
    const global = resourcesOf(synth.template(EU), 'AWS::CloudWatch::Alarm')
      .map(([, p]) => String(p.AlarmName))
      .filter((name) => /global/i.test(name));

    expect(global).toHaveLength(1);
    expect(global[0]).toContain('wide');
  });

  it('charts each region from its own Success (SEARCH in that region), never from the home-region copies', () => {
    const body = dashboardBody(synth);

    expect(body).not.toMatch(/"Probe","\w+","Region"/);
    expect(body).toContain('"region":"ap-southeast-2"');
  });

  it('keeps PutMetricData allowed under emf: the copy from other regions goes home through the API', () => {
    synth.template(US).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'cloudwatch:PutMetricData' })]),
      },
    });
  });
});
