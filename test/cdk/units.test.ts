import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { resolveForDeployment } from '../../functions/config/load.js';
import { ConfigError } from '../../functions/config/problems.js';
import { resolveProbe } from '../../functions/config/resolve.js';
import { acknowledge } from '../../lib/acknowledge.js';
import { alarmDescription, MAX_DESCRIPTION_LENGTH } from '../../lib/alarm-description.js';
import { applyNag } from '../../lib/nag.js';
import { secretArn } from '../../lib/oauth-probe-stack.js';
import { scheduleIntervalMinutes } from '../../lib/periods.js';
import { planConfig } from '../../plan/index.js';
import { quotaProblems } from '../../plan/quotas.js';
import { createCertificateAuthority } from '../../tools/local-servers/index.js';
import { testApp, validConfig } from './helpers.js';

const probe = {
  name: 'billing-api',
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: 'oauth-probe/billing' },
};

describe('scheduleIntervalMinutes', () => {
  it.each([
    ['rate(1 minute)', 1],
    ['rate(5 minutes)', 5],
    ['rate(2 hours)', 120],
    ['rate(1 day)', 1440],
    ['rate(2 days)', 1440],
    ['cron(0/5 * * * ? *)', 5],
    ['cron(0 * * * ? *)', 60],
    ['cron(0 9 * * ? *)', 1440],
  ])('%s → %i minutes per alarm period', (expression, minutes) => {
    expect(scheduleIntervalMinutes(expression)).toBe(minutes);
  });
});

describe('alarmDescription', () => {
  const config = validConfig({ probes: [{ ...probe, runbookUrl: 'https://wiki.example.com/rb' }] });
  const resolved = resolveProbe(config, config.probes[0]!);

  it('names probe and region, says what it means and what to check, and ends with the runbook line', () => {
    const text = alarmDescription({ probe: resolved, region: 'eu-west-1', meaning: 'it broke.', check: 'the logs.' });

    expect(text).toBe(
      'oauth-probe "billing-api" from eu-west-1: it broke.\nCheck: the logs.\nRunbook: https://wiki.example.com/rb',
    );
  });

  it('cuts the free text, never the runbook link, at 1024 characters', () => {
    const text = alarmDescription({ probe: resolved, meaning: 'x'.repeat(2000), check: 'y' });

    expect(text).toHaveLength(MAX_DESCRIPTION_LENGTH);
    expect(text.endsWith('\nRunbook: https://wiki.example.com/rb')).toBe(true);
  });
});

describe('secretArn', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '111122223333' } });

  it('turns a name into the ARN of that name with the 6-character suffix Secrets Manager adds', () => {
    expect(stack.resolve(secretArn(stack, 'oauth-probe/billing'))).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111122223333:secret:oauth-probe/billing-??????'],
      ],
    });
  });

  it('keeps an ARN of its own region as it is', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:billing-AbCdEf';
    expect(secretArn(stack, arn)).toBe(arn);
  });

  it('turns an ARN of another region into its local replica, which is what the probe reads', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:billing-AbCdEf';
    expect(secretArn(stack, arn)).toBe('arn:aws:secretsmanager:eu-west-1:111122223333:secret:billing-AbCdEf');
  });
});

describe('resolveForDeployment', () => {
  it('inlines a tls.ca file relative to probes.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-ca-'));
    const ca = await createCertificateAuthority();
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    const config = validConfig({ probes: [{ ...probe, tls: { ca: 'ca.pem' } }] });

    const [resolved] = resolveForDeployment(config, dir);

    expect(resolved!.tls!.ca).toBe(ca.cert);
  });

  it('refuses a tls.ca that is a directory or holds no certificate, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-ca-'));
    writeFileSync(join(dir, 'fake.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = validConfig({
      probes: [
        { ...probe, tls: { ca: '.' } },
        { ...probe, name: 'other', tls: { ca: 'fake.pem' } },
      ],
    });

    expect(() => resolveForDeployment(config, dir, 'probes.json')).toThrow(
      /probes\[0\]\.tls\.ca: \S+ is a directory[\s\S]*probes\[1\]\.tls\.ca: \S+fake\.pem holds a PEM block that is not a valid X\.509 certificate/,
    );
  });

  it('reports every unreadable CA file as a config problem at its path', () => {
    const config = validConfig({
      probes: [
        { ...probe, tls: { ca: 'missing-1.pem' } },
        { ...probe, name: 'other', tls: { ca: 'missing-2.pem' } },
      ],
    });

    const error = (() => {
      try {
        resolveForDeployment(config, tmpdir(), 'probes.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toEqual(['probes[0].tls.ca', 'probes[1].tls.ca']);
  });
});

describe('quotaProblems: evaluation range', () => {
  const limits = (input: Parameters<typeof validConfig>[0]) => {
    const config = validConfig(input);
    return quotaProblems(config, planConfig(config).plan).map(({ path, message }) => ({
      path,
      message,
    }));
  };

  it('accepts 48 periods of 30 minutes (one day) and rejects 49, naming the field and the largest value', () => {
    const at = (n: number) =>
      limits({
        probes: [{ ...probe, schedule: 'rate(30 minutes)', alarms: { evaluationPeriods: n, datapointsToAlarm: 1 } }],
      });

    expect(at(48)).toEqual([]);
    expect(at(49)).toEqual([
      {
        path: 'probes[0].alarms.evaluationPeriods',
        message: expect.stringContaining('use at most 48 evaluationPeriods'),
      },
    ]);
  });

  it('points at the top-level alarms when the value comes from there', () => {
    const problems = limits({
      alarms: { missingRunsPeriods: 8 },
      probes: [{ ...probe, schedule: 'rate(1 day)' }],
    });

    expect(problems).toEqual([
      { path: 'alarms.missingRunsPeriods', message: expect.stringContaining('use at most 7') },
    ]);
  });
});

describe('applyNag', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const app = testApp({ outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-nag-')) });
    const stack = new Stack(app, 'Unreviewed', { env: { region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    applyNag(app);

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('refuses an acknowledgement without a specific reason', () => {
    const stack = new Stack(new App(), 'S');

    expect(() => acknowledge(stack, 'AwsSolutions-IAM5', 'needed')).toThrow(/needs a specific reason/);
  });
});
