/**
 * cdk-nag (v3: a policy validation plugin, registered with `Validations`, not an Aspect). Every
 * acknowledgement goes through `acknowledge`, which insists on a reason.
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
// cdk-nag's own helper (it spells finding ids with it), copied: the package root does not export it.
import { flattenCfnReference } from './flatten-cfn-reference.js';

/** Runs the AWS Solutions rules on every synth; an unacknowledged finding fails the synth. */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** Acknowledges one finding (`RuleId` or `RuleId[FindingId]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string | string[]): void {
  const text = Array.isArray(reason) ? reason.join(' ') : reason;
  if (text.trim().length < 20) throw new Error(`cdk-nag acknowledgement of ${id} needs a specific reason`);
  Validations.of(scope).acknowledge({ id, reason: text });
}

/**
 * A resource as cdk-nag spells it in a finding id (`arn:<AWS::Partition>:...`), so that an
 * acknowledgement names exactly one resource instead of every wildcard of the rule.
 */
export function nagResource(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}
