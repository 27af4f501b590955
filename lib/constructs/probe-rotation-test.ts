/**
 * `ProbeRotationTest`: makes a probe the test of its secret's rotation. The user's Secrets Manager
 * rotation function may invoke the probe function of the same region (`lambda:InvokeFunction`, nothing
 * else), and learns from its environment which function and which probe (`ROTATION_TEST_ENV`); its
 * testSecret step then calls `testPendingSecret` (oauth-probe/rotation), which runs the probe with the
 * AWSPENDING version and throws on a `fail`, so a secret the authorization server refuses never becomes
 * AWSCURRENT.
 *
 * The probe must opt in with `credentials.rotationTest: true` (its region's probe function may then
 * publish the diagnosed failure to the notification topic) and run in this construct's region, where
 * the rotation runs: the pending version exists in the primary region first.
 */
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { probeEvent, ROTATION_TEST_ENV } from '../../functions/contract/index.js';
import { QUOTAS } from '../../plan/index.js';
import type { OAuthProbes } from '../oauth-probes.js';

export interface ProbeRotationTestProps {
  /** The OAuthProbes construct of the rotation function's region. */
  readonly probes: OAuthProbes;
  /** Name of the probe (config `probes[].name`) whose secret the function rotates. */
  readonly probe: string;
  /** The rotation function: given the invoke permission and two environment variables. */
  readonly rotationFunction: lambda.Function;
}

export class ProbeRotationTest extends Construct {
  /** The probe event the rotation function sends (also in its environment). */
  readonly probeJson: string;

  constructor(scope: Construct, id: string, props: ProbeRotationTestProps) {
    super(scope, id);
    const { probes } = props;
    const probe = probes.prepared.probes.find((p) => p.name === props.probe);
    this.probeJson = probe ? JSON.stringify(probeEvent(probe).probe) : '';
    // Reported by CDK's construct validation at synth, with this construct's path; nothing is granted.
    const problem = this.problem(props);
    if (problem) {
      this.node.addValidation({ validate: () => [`ProbeRotationTest: ${problem}`] });
      return;
    }
    probes.probeFunction!.grantInvoke(props.rotationFunction);
    props.rotationFunction.addEnvironment(ROTATION_TEST_ENV.functionName, probes.probeFunction!.functionName);
    props.rotationFunction.addEnvironment(ROTATION_TEST_ENV.probe, this.probeJson);
  }

  /** Why the rotation cannot be tested with this probe here, or undefined. */
  private problem(props: ProbeRotationTestProps): string | undefined {
    const { probes } = props;
    const probe = probes.prepared.probes.find((p) => p.name === props.probe);
    if (!probe) {
      return `no probe "${props.probe}" in the config (probes: ${probes.prepared.probes.map((p) => p.name).join(', ')})`;
    }
    if (probe.credentials.rotationTest !== true) {
      return `probe "${probe.name}" has not opted in: set "credentials": { "rotationTest": true } on it in the config`;
    }
    if (!probes.probeFunction || !probe.regions.includes(probes.region)) {
      return `probe "${probe.name}" does not run in ${probes.region} (regions: ${probe.regions.join(', ')}); attach the rotation to the OAuthProbes of a region the probe runs in, where the rotation runs`;
    }
    if (Stack.of(props.rotationFunction).region !== Stack.of(probes).region) {
      return 'the rotation function and the probe function must be in the same region';
    }
    // The rotation function's own variables share Lambda's 4 KB; leave it room.
    const budget = QUOTAS.lambdaEnvironmentBytes / 2;
    const bytes = Buffer.byteLength(this.probeJson);
    if (bytes > budget) {
      return `probe "${probe.name}" is ${bytes} bytes as JSON, over the ${budget} bytes it may take of the rotation function's environment (Lambda: ${QUOTAS.lambdaEnvironmentBytes} bytes in all); pass the probe to testPendingSecret({ probe }) from the function's code instead`;
    }
    return undefined;
  }
}
