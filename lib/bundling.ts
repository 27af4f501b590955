/**
 * How the Lambda functions are bundled. One definition, used by the CDK constructs (NodejsFunction,
 * local esbuild, no Docker) and by the smoke test that loads the very same bundle in a child process,
 * so a bundle that cannot load fails CI instead of production.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Entry points of the Lambda functions, by function role. */
export const LAMBDA_ENTRIES = {
  probe: join(PROJECT_ROOT, 'functions/runtime/probe-handler.ts'),
  notifier: join(PROJECT_ROOT, 'functions/runtime/notifier-handler.ts'),
} as const;

export type LambdaRole = keyof typeof LAMBDA_ENTRIES;

/**
 * ESM output for nodejs24.x. The banner gives ESM code a `require` for the CommonJS dependencies that
 * still call it (the AWS SDK's smithy packages do), the classic ESM-bundle failure at cold start.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __opCreateRequire } from 'node:module'; const require = __opCreateRequire(import.meta.url);";

/** esbuild settings shared by CDK (`NodejsFunction.bundling`) and the smoke test. */
export const BUNDLE_SETTINGS = {
  target: 'node24',
  format: 'esm' as const,
  minify: true,
  sourceMap: true,
  banner: ESM_REQUIRE_BANNER,
  mainFields: ['module', 'main'],
  /**
   * The AWS SDK v3 is bundled rather than taken from the runtime: the runtime's copy changes under us
   * between deployments, and bundling only the clients we use keeps cold start small (measured in
   * `npm run bench`).
   */
  externalModules: [] as string[],
};
