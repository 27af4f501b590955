/**
 * The construct library as a user's own CDK app sees it: its own App and Stack, `OAuthProbes` imported
 * from lib/index.ts (the package's `oauth-probe/cdk`), synthesized offline; config mistakes raise CDK's
 * ValidationError naming the construct.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OAuthProbes } from '../../lib/index.js';
import { testApp } from './helpers.js';

const config = {
  name: 'team-a',
  regions: ['eu-west-1'],
  notifications: { warning: { emails: ['ops@example.com'] } },
  probes: [
    {
      name: 'billing-api',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/billing' },
    },
  ],
};

function userApp() {
  const app = testApp({
    outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-user-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'PlatformMonitoring', { env: { region: 'eu-west-1' } });
  return { app, stack };
}

describe('OAuthProbes in a user app', () => {
  it('synthesizes offline from a config file path, inside the user’s own stack', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-lib-'));
    const path = join(dir, 'probes.json');
    writeFileSync(path, JSON.stringify(config));
    const { app, stack } = userApp();

    const probes = new OAuthProbes(stack, 'Probes', { config: path });
    const assembly = app.synth();

    expect(assembly.getStackByName('PlatformMonitoring').template).toBeDefined();
    expect(probes.isHome).toBe(true);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'team-a-notifications' });
    template.resourceCountIs('AWS::CloudFormation::Stack', probes.shards.length);
    Template.fromStack(probes.shards[0]!).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'team-a.billing-api-eu-west-1-Availability',
    });
  });

  it('raises a ValidationError naming the construct and every problem for a bad config', () => {
    const { stack } = userApp();
    const bad = { ...config, name: 'has space', probes: [{ ...config.probes[0], name: 'bad name' }] };

    const error = (() => {
      try {
        new OAuthProbes(stack, 'Probes', { config: bad });
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(Errors.isValidationError(error)).toBe(true);
    expect((error as Errors & { constructPath: string }).constructPath).toBe('PlatformMonitoring/Probes');
    expect((error as Error).message).toContain('  name: use 1-32 letters');
    expect((error as Error).message).toContain('  probes[0].name: use 1-64 letters');
  });

  it('refuses a region the config does not deploy to', () => {
    const app = new App();
    const stack = new Stack(app, 'Elsewhere', { env: { region: 'sa-east-1' } });

    expect(() => new OAuthProbes(stack, 'Probes', { config })).toThrow(/runs no probe from sa-east-1.*eu-west-1/);
  });
});
