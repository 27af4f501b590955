/**
 * `oauth-probe run --remote --region R`: invokes the deployed probe function of region R synchronously
 * with the probe's schedule input (the resolved probe, as the CDK app puts it in the schedule) and
 * returns the result the function computed, which the CLI prints as it prints a local run.
 *
 * The function is found by its stack's `ProbeFunctionName` output. The run is a real one: the function
 * publishes its metrics and logs the result, like a scheduled run (a fresh `executionId` keeps it from
 * being dropped as a duplicate delivery).
 */
import { randomUUID } from 'node:crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { ResolvedProbe } from '../../../functions/config/resolve.js';
import type { ProbeEvent } from '../../../functions/contract/index.js';
import { containResult, type ProbeResult, stripControl } from '../../../functions/engine/index.js';
import type { ProbeRunOutput } from '../../../functions/runtime/probe/run.js';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { UsageError } from '../errors.js';
import { AWS_CALL_DEADLINE_MS, awsErrorText, PROBE_FUNCTION_OUTPUT } from './deployment.js';
import { throwIfAwsEnvironment } from './errors.js';

/** Time the function may take beyond the probe's own deadline (cold start, publishing metrics). */
export const INVOKE_MARGIN_MS = 15_000;

export interface RemoteTarget {
  region: string;
  stackName: string;
}

/** The probe function's name, from the region's stack output. */
export async function findProbeFunction(client: CloudFormationClient, target: RemoteTarget): Promise<string> {
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const response = await client.send(new DescribeStacksCommand({ StackName: target.stackName }), {
      abortSignal: AbortSignal.timeout(AWS_CALL_DEADLINE_MS),
    });
    outputs = response.Stacks?.[0]?.Outputs;
  } catch (error) {
    throwIfAwsEnvironment(error, {
      service: 'CloudFormation',
      region: target.region,
      action: 'cloudformation:DescribeStacks',
      deadlineMs: AWS_CALL_DEADLINE_MS,
    });
    if (/does not exist/.test((error as Error).message ?? '')) {
      throw new UsageError(
        `stack ${target.stackName} not found in ${target.region}: is the region deployed (npx cdk deploy ${target.stackName}) and the config's name the deployed one?`,
      );
    }
    throw new UsageError(`cannot read stack ${target.stackName} in ${target.region}: ${awsErrorText(error)}`);
  }
  const name = outputs?.find((o) => o.OutputKey === PROBE_FUNCTION_OUTPUT)?.OutputValue;
  if (!name) {
    throw new UsageError(
      `stack ${target.stackName} in ${target.region} has no ${PROBE_FUNCTION_OUTPUT} output (it runs no probe in this region, or was deployed by an older version)`,
    );
  }
  return name;
}

/** The event a scheduled run gets, with this moment as the scheduled time. */
export function remoteEvent(
  probe: ResolvedProbe,
  now = new Date(),
  version?: { stage?: string; id?: string },
): ProbeEvent {
  // With a secret version it is a direct run (a rotation test): no schedule fields, no metrics.
  if (version) {
    return {
      probe,
      ...(version.stage ? { secretVersionStage: version.stage } : {}),
      ...(version.id ? { secretVersionId: version.id } : {}),
    };
  }
  return { probe, scheduledTime: now.toISOString(), executionId: `oauth-probe-cli-${randomUUID()}` };
}

/** Invokes the function for one probe and returns the function's result. */
export async function invokeProbe(
  client: LambdaClient,
  functionName: string,
  probe: ResolvedProbe,
  region: string,
  version?: { stage?: string; id?: string },
): Promise<ProbeResult> {
  const where = `${functionName} (${region})`;
  let response: InvokeCommandOutput;
  try {
    response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(remoteEvent(probe, new Date(), version))),
      }),
      { abortSignal: AbortSignal.timeout(probe.deadlineMs + INVOKE_MARGIN_MS) },
    );
  } catch (error) {
    throwIfAwsEnvironment(error, {
      service: 'Lambda',
      region,
      action: 'lambda:InvokeFunction',
      deadlineMs: probe.deadlineMs + INVOKE_MARGIN_MS,
    });
    throw new UsageError(`cannot invoke ${where} for probe "${probe.name}": ${awsErrorText(error)}`);
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    // The handler never throws by design; this is a crash or a timeout of the function itself.
    const message = (safeJson(text) as { errorMessage?: string } | undefined)?.errorMessage ?? response.FunctionError;
    throw new UsageError(
      `${where} failed for probe "${probe.name}": ${stripControl(String(message).split('\n')[0] ?? '')}`,
    );
  }
  const output = safeJson(text) as ProbeRunOutput | undefined;
  // Bounded and without control characters, as a local result: the payload is printed to a terminal.
  if (output?.outcome === 'ran') return containResult(output.result);
  if (output?.outcome === 'invalid_event') {
    throw new UsageError(
      `${where} rejected probe "${probe.name}" (the deployed version reads the config differently; redeploy):`,
      (Array.isArray(output.problems) ? output.problems : []).map((line) => stripControl(String(line)).slice(0, 500)),
    );
  }
  throw new UsageError(`${where} answered something other than a probe result for "${probe.name}"`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs `probes` on the deployed function of `target.region`; results in the probes' order. */
export async function runRemote(
  probes: readonly ResolvedProbe[],
  target: RemoteTarget,
  options: { concurrency: number; onResult?: (result: ProbeResult) => void; version?: { stage?: string; id?: string } },
): Promise<ProbeResult[]> {
  const cloudFormation = new CloudFormationClient(clientConfig(target.region));
  // One attempt: a retried invoke would run the probe twice.
  const lambda = new LambdaClient({ region: target.region, maxAttempts: 1 });
  const functionName = await findProbeFunction(cloudFormation, target);
  const results: ProbeResult[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const index = next++;
      const result = await invokeProbe(lambda, functionName, probes[index]!, target.region, options.version);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, probes.length) }, worker));
  return results;
}
