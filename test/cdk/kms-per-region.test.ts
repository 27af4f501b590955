/**
 * A replica secret is encrypted with a key of its own region, and each region's probe function reads its
 * local replica: each region's role is granted kms:Decrypt on that region's key, never the primary's key
 * copied everywhere (every run outside the primary region would fail with secret_access_denied and page).
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { addOAuthProbeStacks } from '../../lib/app.js';
import { resourcesOf, synthesize } from './helpers.js';

const EU = 'eu-west-1';
const US = 'us-east-1';
const AP = 'ap-southeast-2';
const ACCOUNT = '111122223333';
const key = (region: string, id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;

const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

function config(credentials: Record<string, unknown>[]): ProbesConfigInput {
  return {
    homeRegion: EU,
    regions: [EU, US, AP],
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: credentials.map((extra, i) => ({
      name: `probe-${i}`,
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: `oauth-probe/p${i}`, ...extra } as ProbesConfigInput['probes'][0]['credentials'],
      runbookUrl: 'https://wiki.example.com/rb',
    })),
  };
}

describe('kms:Decrypt per region', () => {
  it("grants each region's probe role exactly the keys of that region's replicas", () => {
    // Arrange: a key per region listed, a multi-Region key, and a key for one region only.
    const synth = synthesize(
      config([
        { kmsKeyArn: key(EU, 'eu-key-1'), kmsKeyArns: { [US]: key(US, 'us-key-1'), [AP]: key(AP, 'ap-key-1') } },
        { kmsKeyArn: key(US, MRK) },
        { kmsKeyArns: { [AP]: key(AP, 'ap-key-2') } },
      ]),
    );

    // Act: the kms:Decrypt statement of each region's probe role
    const grants = Object.fromEntries(
      [EU, US, AP].map((region) => {
        const statements = resourcesOf(synth.template(region), 'AWS::IAM::Policy').flatMap(
          ([, p]) =>
            (p.PolicyDocument as { Statement: { Sid?: string; Resource: unknown; Condition?: unknown }[] }).Statement,
        );
        const decrypt = statements.filter((s) => s.Sid === 'DecryptProbeSecretsThroughSecretsManager');
        expect(decrypt, region).toHaveLength(1);
        expect(decrypt[0]!.Condition, region).toEqual({
          StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
        });
        return [region, decrypt[0]!.Resource];
      }),
    );

    // Assert: the region's own key for each probe; the mrk key's id with the region swapped in; nothing
    // for a region kmsKeyArns leaves out (its replica uses the AWS managed key).
    expect(grants).toEqual({
      [EU]: [key(EU, 'eu-key-1'), key(EU, MRK)],
      [US]: [key(US, 'us-key-1'), key(US, MRK)],
      [AP]: [key(AP, 'ap-key-1'), key(AP, MRK), key(AP, 'ap-key-2')],
    });
  });

  it('refuses an unknown region at synth as at validate, naming the field', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => addOAuthProbeStacks(app, { config: { ...config([{}]), regions: [EU, 'us-east-7'] } })).toThrow(
      /regions\[1\]: unknown AWS region "us-east-7": did you mean us-east-1\?/,
    );
  });

  it('refuses a single-Region key for several regions, at synth as at validate', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => addOAuthProbeStacks(app, { config: config([{ kmsKeyArn: key(EU, 'eu-key-1') }]) })).toThrow(
      /probes\[0\]\.credentials\.kmsKeyArn: is a single-Region key in eu-west-1, which cannot decrypt the replica of the secret in us-east-1, ap-southeast-2/,
    );
  });
});
