/**
 * The configs `npm run lint:cfn` synthesizes: every feature of the probes.json schema switched on
 * somewhere, each metrics profile and transport, one region, a home region without probes, a 300-probe
 * fleet, the repository's example, and the construct library used in a stack of one's own with a
 * rotation test attached. The JSON files under ./configs/ are ordinary probes.json files
 * (`npx oauth-probe validate --config scripts/lint-cfn/configs/every-feature.json` works on them).
 */
import { fileURLToPath } from 'node:url';
import { type App, type CfnElement, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { acknowledge } from '../../lib/acknowledge.js';
import { addOAuthProbeStacks } from '../../lib/app.js';
import { OAuthProbes, ProbeRotationTest } from '../../lib/index.js';
import { fleetConfig } from '../fleet-config.js';

export interface MatrixEntry {
  /** Short name, also the folder of its cloud assembly. */
  name: string;
  /** What it covers, printed next to its figures. */
  covers: string;
  /** Adds the entry's stacks to the app. */
  build(app: App): void;
}

export const CONFIG_DIR = fileURLToPath(new URL('./configs/', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A probes.json file of ./configs/ (or the example), added as `cdk synth -c config=FILE` adds it. */
function configFile(name: string, path: string, covers: string): MatrixEntry {
  return { name, covers, build: (app) => addOAuthProbeStacks(app, { config: path, source: path }) };
}

/**
 * The construct library in a stack of one's own (lib/index.ts): `OAuthProbes` for one region and a
 * `ProbeRotationTest` attached to a rotation function, which the app itself never creates.
 */
function libraryWithRotationTest(app: App): void {
  const stack = new Stack(app, 'UserStackWithRotationTest', { env: { region: 'eu-west-1' } });
  const probes = new OAuthProbes(stack, 'Probes', {
    config: `${CONFIG_DIR}lean.json`,
    region: 'eu-west-1',
    name: 'user-stack',
  });
  const rotationFunction = new lambda.Function(stack, 'Rotation', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new ProbeRotationTest(stack, 'RotationTest', { probes, probe: 'with-steps', rotationFunction });
  // The user's own function: what cdk-nag says of it is the user's to settle, not the matrix's.
  acknowledge(
    rotationFunction,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "The stand-in for the user's rotation function keeps CDK's default execution role.",
  );
  const probeFunctionId = stack.getLogicalId(probes.probeFunction!.node.defaultChild as CfnElement);
  acknowledge(
    rotationFunction,
    `AwsSolutions-IAM5[Resource::<${probeFunctionId}.Arn>:*]`,
    "ProbeRotationTest grants lambda:InvokeFunction with grantInvoke, which covers the probe function's versions and aliases (ARN:*); the rotation function invokes $LATEST.",
  );
}

export const MATRIX: MatrixEntry[] = [
  configFile(
    'every-feature',
    `${CONFIG_DIR}every-feature.json`,
    'named deployment, tags, 3 shards, vpc, proxy, every target kind, per-probe notify/page/owner/tags/alarms/slo, maintenance (one-time and cron), kmsKeyArn(s), rotationTest, rejects, tls.ca, introspection, dpop, mtls, disabled probe',
  ),
  configFile('example', `${PROJECT_ROOT}probes.json`, 'the repository example'),
  configFile('lean', `${CONFIG_DIR}lean.json`, 'metrics profile lean (EMF), named targets'),
  configFile('emf', `${CONFIG_DIR}emf.json`, 'metrics transport emf with the full profile'),
  configFile('one-region', `${CONFIG_DIR}one-region.json`, 'one region, notifications by severity (no targets)'),
  configFile(
    'home-without-probes',
    `${CONFIG_DIR}home-without-probes.json`,
    'a home region that runs no probe, chat topic created',
  ),
  {
    // One region: cfn-lint costs about 1.3 s of CPU per shard template (its JSON-schema checks, per
    // resource), so the 3-region fleet (206 templates) took 250 s of CPU for three copies of the same
    // constructs; what differs between regions is covered by every-feature and example.
    name: 'fleet-300',
    covers:
      '300 probes in one region, each routing its own alerts: all 64 shard stacks, the dashboard pages, the routing layer',
    build: (app) =>
      addOAuthProbeStacks(app, {
        config: fleetConfig(300, ['eu-west-1'], { ownRoutes: true }),
        source: 'fleet of 300 probes, each with its own owner, runbook, targets and page rule',
      }),
  },
  {
    name: 'library-rotation-test',
    covers: 'OAuthProbes in a stack of one’s own with ProbeRotationTest',
    build: libraryWithRotationTest,
  },
];
