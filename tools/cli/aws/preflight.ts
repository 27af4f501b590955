/**
 * The checks of `oauth-probe preflight`, each one AWS call with a deadline that aborts it:
 * - every probe's secret can be read and parsed in every region the probe runs in (a replica, for
 *   regions other than the secret's own: the function reads the copy in its region),
 * - every channel secret (PagerDuty, Slack, Teams) and the watchdog's heartbeat secret exists in the home
 *   region and holds what its reader takes (./notification-secrets.ts),
 * - every region of the deployment is CDK-bootstrapped (the bootstrap version SSM parameter),
 * - no stack of this deployment is left in a region the config no longer has (CDK never deletes a
 *   stack that left the app; it would keep probing and alarming).
 * Findings name the secret, region or stack and the fix; secret values are never part of them.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ResolvedProbe } from '../../../functions/config/resolve.js';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { parseSecretString } from '../../../functions/secrets/parse.js';
import { AWS_CALL_DEADLINE_MS, awsErrorText } from './deployment.js';
import { throwIfAwsEnvironment } from './errors.js';
import { checkNotificationSecret, type NotificationSecret } from './notification-secrets.js';

/** CDK's default bootstrap qualifier and the parameter that says a region is bootstrapped. */
export const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

/**
 * Regions searched for left-over stacks: those enabled by default in every account (opt-in regions
 * are left out; add them with --scan-region).
 */
export const DEFAULT_SCAN_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
] as const;

export interface Finding {
  ok: boolean;
  /** One line: what was checked and, when not ok, the fix. */
  text: string;
}

const deadline = () => ({ abortSignal: AbortSignal.timeout(AWS_CALL_DEADLINE_MS) });
const site = (service: string, region: string, action: string) => ({
  service,
  region,
  action,
  deadlineMs: AWS_CALL_DEADLINE_MS,
});
const notFound = (error: unknown) =>
  /NotFound|does not exist/i.test(`${(error as Error).name} ${(error as Error).message}`);

export async function checkSecret(
  client: SecretsManagerClient,
  probe: ResolvedProbe,
  region: string,
): Promise<Finding> {
  const { secretId } = probe.credentials;
  const what = `secret ${secretId} of probe ${probe.name} in ${region}`;
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }), deadline())).SecretString;
  } catch (error) {
    throwIfAwsEnvironment(error, site('Secrets Manager', region, 'secretsmanager:GetSecretValue'));
    if (notFound(error)) {
      return {
        ok: false,
        text: `${what}: not found (create it, or replicate it to ${region}: aws secretsmanager replicate-secret-to-regions --secret-id ${secretId} --add-replica-regions Region=${region})`,
      };
    }
    return { ok: false, text: `${what}: cannot be read (${awsErrorText(error)})` };
  }
  try {
    parseSecretString(text ?? '', secretId);
  } catch (error) {
    // The parser's messages name fields, never values.
    return { ok: false, text: `${what}: ${(error as Error).message}` };
  }
  return { ok: true, text: `${what}: exists and parses` };
}

export async function checkBootstrap(client: SSMClient, region: string): Promise<Finding> {
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }), deadline());
    return { ok: true, text: `${region}: CDK bootstrap version ${Parameter?.Value ?? '?'}` };
  } catch (error) {
    throwIfAwsEnvironment(error, site('SSM', region, 'ssm:GetParameter'));
    if (notFound(error)) {
      return { ok: false, text: `${region}: not CDK-bootstrapped (run: npx cdk bootstrap aws://ACCOUNT/${region})` };
    }
    return { ok: false, text: `${region}: cannot read ${BOOTSTRAP_VERSION_PARAMETER} (${awsErrorText(error)})` };
  }
}

/** A finding only when the stack exists (or the region cannot be read): silence means nothing left over. */
export async function checkLeftOverStack(
  client: CloudFormationClient,
  region: string,
  stackName: string,
): Promise<Finding | undefined> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }), deadline());
    const status = Stacks?.[0]?.StackStatus;
    if (!status || status === 'DELETE_COMPLETE') return undefined;
    return {
      ok: false,
      text: `${region}: stack ${stackName} (${status}) belongs to this deployment but the config has no probe there; it keeps probing. Delete it: aws cloudformation delete-stack --region ${region} --stack-name ${stackName}`,
    };
  } catch (error) {
    throwIfAwsEnvironment(error, site('CloudFormation', region, 'cloudformation:DescribeStacks'));
    if (notFound(error)) return undefined;
    return { ok: false, text: `${region}: cannot look for stack ${stackName} (${awsErrorText(error)})` };
  }
}

export interface PreflightPlan {
  probes: readonly ResolvedProbe[];
  /** The home region, where the notifiers and the watchdog read their secrets. */
  homeRegion: string;
  /** The channel and heartbeat secrets of `notifications` (./notification-secrets.ts). */
  notificationSecrets: readonly NotificationSecret[];
  /** Regions of the deployment (probe regions and the home region). */
  regions: readonly string[];
  /** Regions to search for left-over stacks. */
  scanRegions: readonly string[];
  stackName: (region: string) => string;
}

export interface PreflightReport {
  secrets: Finding[];
  notificationSecrets: Finding[];
  bootstrap: Finding[];
  leftOver: Finding[];
}

/**
 * Every check at once. A problem of the caller's AWS environment (credentials, permissions, network)
 * ends the whole preflight as that one problem (exit 2), once every call has settled.
 */
export async function runPreflight(plan: PreflightPlan): Promise<PreflightReport> {
  const secrets = plan.probes.flatMap((probe) =>
    probe.regions.map((region) => checkSecret(new SecretsManagerClient(clientConfig(region)), probe, region)),
  );
  const home = new SecretsManagerClient(clientConfig(plan.homeRegion));
  const notificationSecrets = plan.notificationSecrets.map((secret) =>
    checkNotificationSecret(home, secret, plan.homeRegion),
  );
  const bootstrap = plan.regions.map((region) => checkBootstrap(new SSMClient(clientConfig(region)), region));
  const leftOver = plan.scanRegions
    .filter((region) => !plan.regions.includes(region))
    .map((region) =>
      checkLeftOverStack(new CloudFormationClient(clientConfig(region)), region, plan.stackName(region)),
    );
  const settled = await Promise.allSettled([...secrets, ...notificationSecrets, ...bootstrap, ...leftOver]);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return {
    secrets: await Promise.all(secrets),
    notificationSecrets: await Promise.all(notificationSecrets),
    bootstrap: await Promise.all(bootstrap),
    leftOver: (await Promise.all(leftOver)).filter((f): f is Finding => f !== undefined),
  };
}
