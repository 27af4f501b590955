/**
 * One EventBridge Scheduler schedule per probe and region, carrying the resolved probe as input.
 *
 * The target is ours rather than `aws-scheduler-targets.LambdaInvoke`: that one grants through
 * `grantInvoke`, which also allows every version and alias (`<arn>:*`); our role may invoke the one
 * function and nothing else.
 */
import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import { probeEvent } from '../../functions/contract/index.js';

/** The Scheduler target input of a probe: the contract of functions/contract/environment.ts. */
export { probeEvent };

class InvokeProbeFunction implements scheduler.IScheduleTarget {
  constructor(
    private readonly fn: lambda.IFunction,
    private readonly role: iam.IRole,
    private readonly input: scheduler.ScheduleTargetInput,
  ) {}

  bind(): scheduler.ScheduleTargetConfig {
    return {
      arn: this.fn.functionArn,
      role: this.role,
      input: this.input,
      // A missed run is reported by the Stopped alarm; a late retry would measure a different moment.
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: Duration.minutes(1).toSeconds() },
    };
  }
}

export interface ProbeScheduleProps {
  probe: ResolvedProbe;
  fn: lambda.IFunction;
  /** Scheduler's role in this region: may invoke the probe function only. */
  role: iam.IRole;
}

export class ProbeSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ProbeScheduleProps) {
    super(scope, id);
    const { probe } = props;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `oauth-probe ${probe.name}`,
      schedule: scheduler.ScheduleExpression.expression(probe.schedule),
      target: new InvokeProbeFunction(
        props.fn,
        props.role,
        scheduler.ScheduleTargetInput.fromObject(probeEvent(probe)),
      ),
      // Runs at the scheduled minute: the alarms count one run per period.
      timeWindow: scheduler.TimeWindow.off(),
    });
  }
}
