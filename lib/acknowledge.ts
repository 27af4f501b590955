/**
 * Acknowledgements of the AWS Solutions (cdk-nag) findings, each with its reason, kept with the
 * constructs whose resources they justify. They are construct metadata of aws-cdk-lib's `Validations`
 * and need no cdk-nag: without the plugin they are inert; with it (`applyNag` from `oauth-probe/cdk/nag`)
 * every finding of oauth-probe's own resources is acknowledged. Every acknowledgement goes through
 * `acknowledge`, which insists on a reason.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// cdk-nag's own helper (it spells finding ids with it), copied: the package root does not export it.
import { flattenCfnReference } from './flatten-cfn-reference.js';

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
