/**
 * The `invoke` of `testPendingSecret` with the AWS SDK: a synchronous invoke of the probe function, one
 * attempt (a retried invoke would run the probe twice), aborted at a deadline like every AWS call here.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ProbeEvent } from '../contract/environment.js';

/** Longer than any probe deadline plus the function's margin (the probe function's timeout is below this). */
export const ROTATION_INVOKE_TIMEOUT_MS = 60_000;

export function lambdaInvoke(
  client: Pick<LambdaClient, 'send'>,
  timeoutMs = ROTATION_INVOKE_TIMEOUT_MS,
): (functionName: string, event: ProbeEvent) => Promise<unknown> {
  return async (functionName, event) => {
    const response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) return { outcome: 'function_error' };
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}
