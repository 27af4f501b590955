/**
 * One stack per region of a deployment (`OAuthProbe-<region>`, or `<name>-<region>`), holding the
 * `OAuthProbes` construct of that region. The construct's id is `Default`, which CDK leaves out of
 * logical ids, so the shared resources keep the logical ids they had when they were built here.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OAuthProbes, type OAuthProbesProps } from './oauth-probes.js';

export { DEADLINE_MARGIN_MS, SECRET_CACHE_TTL_SEC, secretArn, TIMEOUT_MARGIN } from './oauth-probes.js';

export interface OAuthProbeStackProps extends StackProps {
  readonly probes: OAuthProbesProps;
  /** Props made in this stack (an `IVpc`, a topic of the region), merged over `probes`. @default none */
  readonly regional?: (stack: OAuthProbeStack) => Partial<OAuthProbesProps>;
}

export class OAuthProbeStack extends Stack {
  readonly probes: OAuthProbes;

  constructor(scope: Construct, id: string, props: OAuthProbeStackProps) {
    super(scope, id, props);
    const regional = props.regional?.(this) ?? {};
    this.probes = new OAuthProbes(this, 'Default', { region: props.env?.region, ...props.probes, ...regional });
  }

  get alarmTopic() {
    return this.probes.alarmTopic;
  }
  get probeFunction() {
    return this.probes.probeFunction;
  }
  get notifierFunction() {
    return this.probes.notifierFunction;
  }
  get notificationTopic() {
    return this.probes.notificationTopic;
  }
  get dashboard() {
    return this.probes.dashboard;
  }
}
