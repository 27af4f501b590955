/**
 * cdk-nag, only when asked for: `oauth-probe/cdk/nag`. The construct library (`oauth-probe/cdk`) never
 * imports this module, and this module loads cdk-nag only when `applyNag` is called, so an app installs
 * cdk-nag only if it wants the AWS Solutions checks. The acknowledgements of oauth-probe's own findings
 * live with the constructs (./acknowledge.ts) and apply as soon as the plugin runs.
 *
 * ```ts
 * import { applyNag } from 'oauth-probe/cdk/nag';
 * applyNag(app); // every synth runs the AWS Solutions rules; an unacknowledged finding fails it
 * ```
 *
 * cdk-nag v3 is a policy validation plugin, registered with `Validations`, not an Aspect.
 */
import { createRequire } from 'node:module';
import { type App, Validations } from 'aws-cdk-lib';
import type * as CdkNag from 'cdk-nag';

/** Runs the AWS Solutions rules on every synth of `app`; an unacknowledged finding fails the synth. */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new (loadCdkNag().AwsSolutionsChecks)(app));
}

/** cdk-nag (CommonJS, jsii), loaded on first use, with the fix when it is not installed. */
function loadCdkNag(): typeof CdkNag {
  try {
    return createRequire(import.meta.url)('cdk-nag') as typeof CdkNag;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('applyNag runs cdk-nag, which is not installed: npm install --save-dev cdk-nag@^3');
  }
}
