/**
 * Every Lambda function of oauth-probe, with the settings we never want to repeat or forget (after
 * Powertools' `FunctionWithLogGroup`): nodejs24.x on arm64, local esbuild bundling from the shared
 * BUNDLE_SETTINGS, an explicit log group with a retention, its own role without managed policies, and
 * by default no async retries and a short maximum event age (right for a probe run; the notifier
 * overrides both and adds an on-failure destination, see notifier-delivery.ts).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLE_SETTINGS, BUNDLING_ROOTS } from '../bundling.js';

export interface FunctionWithLogGroupProps
  extends Omit<nodejs.NodejsFunctionProps, 'runtime' | 'architecture' | 'logGroup' | 'role' | 'bundling'> {
  /** The TypeScript entry (one of LAMBDA_ENTRIES). */
  entry: string;
  /** @default 256 */
  memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  logRetention?: logs.RetentionDays;
  /**
   * Retries of an asynchronous invocation. A retried probe run would measure a second, later run
   * under the first one's scheduled time.
   * @default 0
   */
  retryAttempts?: number;
  /**
   * Age after which a queued asynchronous event is dropped: a stale probe run is worse than none.
   * @default Duration.minutes(2)
   */
  maxEventAge?: Duration;
}

export class FunctionWithLogGroup extends nodejs.NodejsFunction {
  /** The function's own log group (retention set, removed with the stack). */
  readonly functionLogGroup: logs.LogGroup;
  /** The execution role: logs of this function only; callers add what else the function needs. */
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: FunctionWithLogGroupProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs:* on every log group of the account).
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const { logRetention: _retention, ...rest } = props;
    super(scope, id, {
      memorySize: 256,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      ...rest,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      logGroup,
      role,
      ...BUNDLING_ROOTS,
      environment: {
        // Stack traces point at the TypeScript source (the bundle is minified).
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        target: BUNDLE_SETTINGS.target,
        format: nodejs.OutputFormat.ESM,
        minify: BUNDLE_SETTINGS.minify,
        sourceMap: BUNDLE_SETTINGS.sourceMap,
        banner: BUNDLE_SETTINGS.banner,
        mainFields: BUNDLE_SETTINGS.mainFields,
        externalModules: BUNDLE_SETTINGS.externalModules,
        forceDockerBundling: false,
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = role;
  }
}
