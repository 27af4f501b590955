import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { RejectVariant } from '../../functions/config/defaults.js';
import { resourcesOf, synthesize } from './helpers.js';

const probe = (name: string, rejects?: RejectVariant[]) => ({
  name,
  tokenUrl: 'https://auth.example.com/oauth2/token',
  credentials: { secretId: `oauth-probe/${name}` },
  steps: [
    {
      name: 'list',
      request: { method: 'GET' as const, url: 'https://api.example.com/v1/items' },
      ...(rejects ? { rejects } : {}),
    },
  ],
});

describe('Security alarm (fail-open detection)', () => {
  const app = synthesize({
    regions: ['eu-west-1', 'us-east-1'],
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: [probe('guarded', ['missing_token', 'tampered_signature']), probe('plain')],
  });

  it('watches Failures{Code=accepts_invalid_token} per region for a probe with rejects, keeping its state on silence', () => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      app.template(region).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `OAuthProbe-guarded-${region}-Security`,
        MetricName: 'Failures',
        Dimensions: Match.arrayWith([{ Name: 'Code', Value: 'accepts_invalid_token' }]),
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'ignore',
        AlarmActions: Match.anyValue(),
        OKActions: Match.anyValue(),
      });
    }
  });

  it('creates none for a probe without rejects', () => {
    const names = resourcesOf(app.template('eu-west-1'), 'AWS::CloudWatch::Alarm').map(
      ([, properties]) => properties.AlarmName as string | undefined,
    );

    expect(names).toContain('OAuthProbe-guarded-eu-west-1-Security');
    expect(names.filter((n) => n?.startsWith('OAuthProbe-plain-') && n.endsWith('-Security'))).toEqual([]);
  });
});
