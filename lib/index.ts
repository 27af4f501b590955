/**
 * The construct library's front door (`oauth-probe/cdk` once packaged): the `OAuthProbes` construct for
 * one region in any stack, `addOAuthProbeStacks` for one stack per region in an app, its parts
 * (`ProbeFunction`, `Notifier`, `NotifierDelivery`, `Watchdog`), and what they need to be checked and
 * named the same way `oauth-probe validate` and this repository's app do. Needs only aws-cdk-lib and
 * constructs: cdk-nag is `oauth-probe/cdk/nag` (lib/nag.ts), imported only by an app that wants it.
 *
 * ```ts
 * const app = new App();
 * addOAuthProbeStacks(app, { config: 'probes.json', name: 'staging' });
 * // or, in a stack of your own (region eu-west-1):
 * new OAuthProbes(stack, 'Probes', { config: 'probes.json', name: 'staging', vpc, alarmTopic });
 * // the probe as the testSecret step of a secret's rotation (docs/deploy.md, "Rotation safety"):
 * new ProbeRotationTest(stack, 'BillingRotationTest', { probes, probe: 'billing-api', rotationFunction });
 * ```
 */

export { ConfigError, type ConfigProblem } from '../functions/config/problems.js';
export type { ProbesConfig, ProbesConfigInput } from '../functions/config/schema.js';
export { DEFAULT_DEPLOYMENT_NAME } from '../functions/contract/index.js';
export { BUDGETS, type DeploymentPlan, QUOTAS, type QuotaProblem, shardOf } from '../plan/index.js';
export {
  addOAuthProbeStacks,
  type OAuthProbeApp,
  type OAuthProbeStacksProps,
  type RegionalProbesProps,
} from './app.js';
export { LAMBDA_ENTRIES, type LambdaRole } from './bundling.js';
export { Notifier, type NotifierProps } from './constructs/notifier.js';
export { NotifierDelivery, type NotifierDeliveryProps } from './constructs/notifier-delivery.js';
export { ProbeFunction, type ProbeFunctionProps, type ProbeFunctionVpc } from './constructs/probe-function.js';
export { ProbeRotationTest, type ProbeRotationTestProps } from './constructs/probe-rotation-test.js';
export { Watchdog, type WatchdogProps, type WatchedNotifier } from './constructs/watchdog.js';
export { type PreparedDeployment, type PrepareOptions, prepareDeployment } from './deployment.js';
export { alarmTopicName, dashboardName, notificationKeyAlias, notificationTopicName, stackName } from './names.js';
export { OAuthProbeStack, type OAuthProbeStackProps } from './oauth-probe-stack.js';
export { OAuthProbes, type OAuthProbesProps } from './oauth-probes.js';
export { checkTemplates, templateFigures } from './template-check.js';
