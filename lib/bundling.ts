/**
 * How the Lambda functions are bundled, defined once: the esbuild options used by a clone's synth (local
 * bundling from the TypeScript sources), by the pack (the prebuilt bundles the package ships, built once
 * by scripts/build.mjs) and by the smoke test and benchmarks, which load the very same bundle in a child
 * process, so a bundle that cannot load fails CI instead of production.
 *
 * Where the code comes from:
 * - a clone has the sources: `LAMBDA_ENTRIES` are the handlers' .ts files, bundled at synth with the
 *   local esbuild (a devDependency);
 * - the installed package has no sources but `dist/lambda/<role>/index.mjs`, bundled at pack time: a
 *   user's synth needs neither esbuild nor Docker, and the asset hash is the same on every machine (the
 *   hash of files shipped in the tarball).
 *
 * No aws-cdk-lib here (the CDK side is ./lambda-code.ts): scripts/build.mjs imports this compiled module.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The Lambda functions, by role, with the handler source each is bundled from. */
export const LAMBDA_SOURCES = {
  probe: 'functions/runtime/probe/handler.ts',
  notifier: 'functions/runtime/notifier/handler.ts',
  watchdog: 'functions/runtime/watchdog/handler.ts',
} as const;

export type LambdaRole = keyof typeof LAMBDA_SOURCES;

/** Where the package keeps the prebuilt bundles: `dist/lambda/<role>/index.mjs` (and its source map). */
export const PREBUILT_DIR = join(PROJECT_ROOT, 'dist', 'lambda');

/** The file a bundle is written to: ESM, loaded by the nodejs24.x runtime as `index.handler`. */
export const BUNDLE_FILE_NAME = 'index.mjs';

/** A clone bundles the TypeScript sources; an installed package ships only the prebuilt bundles. */
function lambdaEntry(role: LambdaRole): string {
  const source = join(PROJECT_ROOT, LAMBDA_SOURCES[role]);
  return existsSync(source) ? source : join(PREBUILT_DIR, role);
}

/**
 * The code of each function, by role: a handler source file (a clone: bundled at synth with esbuild),
 * or a directory with a prebuilt `index.mjs` (the installed package).
 */
export const LAMBDA_ENTRIES: Record<LambdaRole, string> = {
  probe: lambdaEntry('probe'),
  notifier: lambdaEntry('notifier'),
  watchdog: lambdaEntry('watchdog'),
};

/** A directory holding a bundle built before synth (`index.mjs`). */
export function isPrebuilt(entry: string): boolean {
  return existsSync(join(entry, BUNDLE_FILE_NAME)) && statSync(entry).isDirectory();
}

/**
 * What is wrong with an entry, for the construct's validation: undefined when it is a prebuilt directory
 * or a source file esbuild can bundle.
 */
export function entryProblem(entry: string): string | undefined {
  if (!existsSync(entry)) return `${entry} does not exist`;
  if (statSync(entry).isDirectory()) {
    return isPrebuilt(entry) ? undefined : `${entry} is a directory without a prebuilt ${BUNDLE_FILE_NAME}`;
  }
  return /\.[cm]?[jt]s$/.test(entry) ? undefined : `${entry} is neither a .ts/.js handler nor a prebuilt directory`;
}

/**
 * ESM output for nodejs24.x. The banner gives ESM code a `require` for the CommonJS dependencies that
 * still call it (the AWS SDK's smithy packages do), the classic ESM-bundle failure at cold start.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __opCreateRequire } from 'node:module'; const require = __opCreateRequire(import.meta.url);";

/** esbuild settings of every bundle. */
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

/** The esbuild options that bundle `entry` into `outfile`: the one definition (synth, pack, tests). */
export function bundleOptions(entry: string, outfile: string, externalModules = BUNDLE_SETTINGS.externalModules) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    target: BUNDLE_SETTINGS.target,
    format: BUNDLE_SETTINGS.format,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    banner: { js: BUNDLE_SETTINGS.banner },
    mainFields: BUNDLE_SETTINGS.mainFields,
    external: externalModules,
    logLevel: 'error' as const,
  };
}

interface EsbuildSync {
  buildSync(options: ReturnType<typeof bundleOptions>): unknown;
}

/**
 * Bundles a handler into `<outdir>/index.mjs` (+ `index.mjs.map`), synchronously (CDK's local bundling
 * is synchronous). esbuild is loaded only here: a clone has it (devDependency); an installed package
 * never gets here for its own functions, and names what to install for an `entries` source of yours.
 */
export function bundleHandlerSync(entry: string, outdir: string): void {
  let esbuild: EsbuildSync;
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as EsbuildSync;
  } catch {
    throw new Error(
      `bundling ${entry} needs esbuild: install it (npm install --save-dev esbuild), or give a directory with a prebuilt ${BUNDLE_FILE_NAME} instead`,
    );
  }
  esbuild.buildSync(bundleOptions(entry, join(outdir, BUNDLE_FILE_NAME)));
}
