/**
 * The contract between the CDK app and the Lambda functions: metric catalogue, alarm naming, the
 * schedule event and environment variables, secret ids. It imports no AWS SDK client and no zod, so
 * `cdk synth` and the notifier bundle load neither for it.
 */
export * from './alarm-naming.js';
export * from './deployment-name.js';
export * from './environment.js';
export * from './metric-catalogue.js';
export * from './notification-routes.js';
export * from './secret-ids.js';
export * from './slo.js';
