/**
 * `oauth-probe preflight`'s check of config `reservedConcurrency` against the real account: Lambda's
 * GetAccountSettings in each region that reserves, one call with a deadline that aborts it. The plan
 * already warns against the default quota (plan/checks.ts); this reads the account's own figures (a new
 * account's quota can be 10; other functions may reserve much of it).
 */
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { MIN_UNRESERVED_CONCURRENCY } from '../../../plan/index.js';
import { AWS_CALL_DEADLINE_MS, awsErrorText } from './deployment.js';
import { throwIfAwsEnvironment } from './errors.js';
import type { Finding } from './preflight.js';

/** One region's reservation against its account settings. */
export async function checkReservedConcurrency(
  client: LambdaClient,
  region: string,
  reservation: number,
): Promise<Finding> {
  let quota: number | undefined;
  let unreserved: number | undefined;
  try {
    const { AccountLimit } = await client.send(new GetAccountSettingsCommand({}), {
      abortSignal: AbortSignal.timeout(AWS_CALL_DEADLINE_MS),
    });
    quota = AccountLimit?.ConcurrentExecutions;
    unreserved = AccountLimit?.UnreservedConcurrentExecutions;
  } catch (error) {
    // Credentials, permissions, network: the caller's environment (exit 2, tools/cli/aws/errors.ts).
    throwIfAwsEnvironment(error, {
      service: 'Lambda',
      region,
      action: 'lambda:GetAccountSettings',
      deadlineMs: AWS_CALL_DEADLINE_MS,
    });
    return { ok: false, text: `${region}: cannot read the Lambda account settings (${awsErrorText(error)})` };
  }
  if (quota === undefined || unreserved === undefined) {
    return { ok: false, text: `${region}: the Lambda account settings name no concurrency quota` };
  }
  const fix = `raise "Concurrent executions" for Lambda in ${region} in Service Quotas, or lower reservedConcurrency`;
  if (quota - reservation < MIN_UNRESERVED_CONCURRENCY) {
    return {
      ok: false,
      text: `${region}: the account's concurrency quota is ${quota}; reserving ${reservation} would leave ${quota - reservation} unreserved, below the ${MIN_UNRESERVED_CONCURRENCY} Lambda keeps, and the deployment fails: ${fix}`,
    };
  }
  if (unreserved - reservation < MIN_UNRESERVED_CONCURRENCY) {
    return {
      ok: false,
      text: `${region}: ${unreserved} of ${quota} concurrent executions are unreserved (other functions reserve the rest); reserving ${reservation} would leave ${unreserved - reservation}, below the ${MIN_UNRESERVED_CONCURRENCY} Lambda keeps (a reservation this deployment already holds is counted in that figure): ${fix}, or free reservations of other functions`,
    };
  }
  return {
    ok: true,
    text: `${region}: reserving ${reservation} of ${quota} concurrent executions leaves ${unreserved - reservation} unreserved`,
  };
}

/**
 * Every region that reserves, checked at once. A problem of the caller's AWS environment ends the
 * preflight as that one problem (exit 2), once every call has settled (as ./preflight.ts does).
 */
export async function reservedConcurrencyFindings(
  reservations: readonly { region: string; reservation: number }[],
): Promise<Finding[]> {
  const settled = await Promise.allSettled(
    reservations.map(({ region, reservation }) =>
      checkReservedConcurrency(new LambdaClient(clientConfig(region)), region, reservation),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Finding>).value);
}
