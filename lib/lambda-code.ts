/**
 * The code asset of a Lambda function from its entry (./bundling.ts): a prebuilt directory as it is
 * (the installed package: no esbuild, no Docker, the same asset hash on every machine), or a handler
 * source bundled at synth by CDK's local bundling with esbuild (a clone). A synth that skips bundling
 * (context `aws:cdk:bundling-stacks: []`, the tests) skips it here too.
 */

import { dirname, relative } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundleHandlerSync, isPrebuilt, PROJECT_ROOT } from './bundling.js';

export function lambdaCode(entry: string): lambda.Code {
  if (isPrebuilt(entry)) return lambda.Code.fromAsset(entry);
  return lambda.Code.fromAsset(dirname(entry), {
    // The hash of the bundle, not of the folder: the asset changes exactly when the deployed code does.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws (CDK requires an image to fall back to).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-alpine'),
      // Part of CDK's asset cache key: one bundle per handler, however many functions use it.
      command: ['esbuild', relative(PROJECT_ROOT, entry)],
      local: {
        tryBundle(outputDir: string): boolean {
          bundleHandlerSync(entry, outputDir);
          return true;
        },
      },
    },
  });
}
