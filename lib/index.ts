/**
 * The construct library's front door (`oauth-probe/cdk` once packaged): the `OAuthProbes` construct for
 * one region in any stack, `addOAuthProbeStacks` for one stack per region in an app, and what they need
 * to be checked and named the same way `oauth-probe validate` and this repository's app do.
 *
 * ```ts
 * const app = new App();
 * addOAuthProbeStacks(app, { config: 'probes.json', name: 'staging' });
 * // or, in a stack of your own (region eu-west-1):
 * new OAuthProbes(stack, 'Probes', { config: 'probes.json', name: 'staging' });
 * // the probe as the testSecret step of a secret's rotation (docs/deploy.md, "Rotation safety"):
 * new ProbeRotationTest(stack, 'BillingRotationTest', { probes, probe: 'billing-api', rotationFunction });
 * ```
 */

export { ConfigError, type ConfigProblem } from '../functions/config/problems.js';
export type { ProbesConfig, ProbesConfigInput } from '../functions/config/schema.js';
export { DEFAULT_DEPLOYMENT_NAME } from '../functions/contract/index.js';
export { BUDGETS, QUOTAS, type QuotaProblem, shardOf } from '../plan/index.js';
export { addOAuthProbeStacks, type OAuthProbeApp, type OAuthProbeStacksProps } from './app.js';
export { ProbeRotationTest, type ProbeRotationTestProps } from './constructs/probe-rotation-test.js';
export { type PreparedDeployment, prepareDeployment } from './deployment.js';
export { applyNag } from './nag.js';
export { alarmTopicName, dashboardName, notificationKeyAlias, notificationTopicName, stackName } from './names.js';
export { OAuthProbeStack, type OAuthProbeStackProps } from './oauth-probe-stack.js';
export { configValidationError, OAuthProbes, type OAuthProbesProps } from './oauth-probes.js';
export { checkTemplates, templateFigures } from './template-check.js';
