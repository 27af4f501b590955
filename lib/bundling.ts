/**
 * How the Lambda functions are bundled. One definition, used by the CDK constructs (NodejsFunction,
 * local esbuild, no Docker) and by the smoke test that loads the very same bundle in a child process,
 * so a bundle that cannot load fails CI instead of production.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the folder with our package.json. This module runs from lib/ (a clone) and from
 * dist/lib/ (the compiled package, also inside node_modules/oauth-probe of a user's CDK app).
 */
function packageRoot(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const PROJECT_ROOT = packageRoot(fileURLToPath(import.meta.url));

/** A clone bundles the TypeScript sources; an installed package ships only the compiled dist/. */
function lambdaEntry(name: string): string {
  const source = join(PROJECT_ROOT, 'functions/runtime', `${name}.ts`);
  return existsSync(source) ? source : join(PROJECT_ROOT, 'dist/functions/runtime', `${name}.js`);
}

/** Entry points of the Lambda functions, by function role. */
export const LAMBDA_ENTRIES = {
  probe: lambdaEntry('probe/handler'),
  notifier: lambdaEntry('notifier/handler'),
  watchdog: lambdaEntry('watchdog/handler'),
} as const;

/**
 * Where NodejsFunction bundles from. A clone has its own package-lock.json; an installed package has
 * none, so CDK finds the user's lock file from the working directory (its project root contains
 * node_modules/oauth-probe and the dependencies esbuild resolves).
 */
export const BUNDLING_ROOTS: { projectRoot?: string; depsLockFilePath?: string } = existsSync(
  join(PROJECT_ROOT, 'package-lock.json'),
)
  ? { projectRoot: PROJECT_ROOT, depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json') }
  : {};

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
