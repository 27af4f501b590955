/** The Lambda `Context` and environment the probe handler tests invoke the bundled handler with. */
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

/** The environment the CDK app gives the probe function, with fake credentials for the mocked clients. */
export function handlerEnvironment(region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    HOME_REGION: region,
    METRICS_NAMESPACE: 'OAuthProbe',
    SECRET_CACHE_TTL_SEC: '300',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'dummy-secret-key',
    POWERTOOLS_DEV: '',
    NOTIFICATION_TOPIC_ARN: `arn:aws:sns:${region}:123456789012:oauth-probe-notifications`,
    PROBE_LOG_GROUP_NAME: '/aws/lambda/oauth-probe-probe',
    DASHBOARD_URL: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=oauth-probe',
  };
}
