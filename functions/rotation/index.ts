/**
 * For a Secrets Manager rotation function (`oauth-probe/rotation` once packaged): its testSecret step
 * runs the probe with the pending version. See docs/deploy.md ("Rotation safety").
 *
 * ```ts
 * import { LambdaClient } from '@aws-sdk/client-lambda';
 * import { lambdaInvoke, testPendingSecret } from 'oauth-probe/rotation';
 * const lambda = new LambdaClient({ maxAttempts: 1 });
 * // in the handler, for event.Step === 'testSecret':
 * await testPendingSecret({ invoke: lambdaInvoke(lambda), clientRequestToken: event.ClientRequestToken });
 * ```
 */
export { lambdaInvoke, ROTATION_INVOKE_TIMEOUT_MS } from './lambda-invoke.js';
export {
  type PendingSecretVerdict,
  RotationTestFailed,
  type TestPendingSecretOptions,
  testPendingSecret,
} from './test-pending-secret.js';
