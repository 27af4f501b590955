/** The Lambda `Context` the probe handler tests invoke the bundled handler with. */
import type { Context } from 'aws-lambda';

export function lambdaContext(region: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'oauth-probe-probe',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:oauth-probe-probe`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/oauth-probe-probe',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
