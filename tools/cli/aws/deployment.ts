/**
 * Names of a deployment's stacks, for the commands that look at what is deployed (`preflight`,
 * `run --remote`): the contract's naming (functions/contract/deployment-name.ts), which the CDK app uses too.
 */
import {
  deploymentStackName as contractStackName,
  DEFAULT_DEPLOYMENT_NAME,
} from '../../../functions/contract/index.js';

/** `OAuthProbe-eu-west-1` for the default deployment, `<name>-eu-west-1` for a named one. */
export function deploymentStackName(region: string, name: string = DEFAULT_DEPLOYMENT_NAME): string {
  return contractStackName(name, region);
}

/** The deployment name of a config (`name`), else the default. */
export function deploymentName(config: object): string {
  const name = (config as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : DEFAULT_DEPLOYMENT_NAME;
}

/** The output of each regional stack that names its probe function (lib/oauth-probe-stack.ts). */
export const PROBE_FUNCTION_OUTPUT = 'ProbeFunctionName';

/** Every AWS call of the CLI is aborted after this long (the SDK's own timeouts only warn). */
export const AWS_CALL_DEADLINE_MS = 10_000;

/** An AWS error's name and message in one line, e.g. `AccessDeniedException: User ... is not authorized`. */
export function awsErrorText(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timed out' : error.name;
    return `${name}: ${error.message.split('\n')[0]}`;
  }
  return String(error);
}
