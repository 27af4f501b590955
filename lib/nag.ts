/**
 * cdk-nag, only when asked for: `oauth-probe/cdk/nag`. The construct library (`oauth-probe/cdk`) never
 * imports this module, so an app installs cdk-nag only if it wants the AWS Solutions checks; the
 * acknowledgements of oauth-probe's own findings live with the constructs (./acknowledge.ts) and apply
 * as soon as the plugin runs.
 *
 * ```ts
 * import { applyNag } from 'oauth-probe/cdk/nag';
 * applyNag(app); // every synth runs the AWS Solutions rules; an unacknowledged finding fails it
 * ```
 *
 * cdk-nag v3 is a policy validation plugin, registered with `Validations`, not an Aspect.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Runs the AWS Solutions rules on every synth of `app`; an unacknowledged finding fails the synth. */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
