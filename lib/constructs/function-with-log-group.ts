/**
 * Every Lambda function of oauth-probe, with the settings we never want to repeat or forget (after
 * Powertools' `FunctionWithLogGroup`): nodejs24.x on arm64, its code from an entry (lib/lambda-code.ts:
 * a prebuilt bundle of the package, or a handler source bundled locally with esbuild in a clone), an
 * explicit log group with a retention, its own role without managed policies, and by default no async
 * retries and a short maximum event age (right for a probe run; the notifier overrides both and adds an
 * on-failure destination, see notifier-delivery.ts).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { entryProblem } from '../bundling.js';
import { lambdaCode } from '../lambda-code.js';

export interface FunctionWithLogGroupProps
  extends Omit<lambda.FunctionProps, 'runtime' | 'architecture' | 'logGroup' | 'role' | 'code' | 'handler'> {
  /** The handler source, or a directory with a prebuilt `index.mjs` (one of LAMBDA_ENTRIES). */
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

export class FunctionWithLogGroup extends lambda.Function {
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
    const { logRetention: _retention, entry, ...rest } = props;
    // A bad entry is reported by CDK's construct validation at synth (with this construct's path).
    const problem = entryProblem(entry);
    super(scope, id, {
      memorySize: 256,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      ...rest,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      logGroup,
      role,
      handler: 'index.handler',
      code: problem ? lambda.Code.fromInline('// no code: see the validation error') : lambdaCode(entry),
      environment: {
        // Stack traces point at the TypeScript source (the bundle is minified).
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    if (problem) this.node.addValidation({ validate: () => [`entry: ${problem}`] });
    this.functionLogGroup = logGroup;
    this.executionRole = role;
  }
}
