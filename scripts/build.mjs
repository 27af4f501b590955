#!/usr/bin/env node
/**
 * Compiles the TypeScript that ships (functions/, tools/, lib/) to JavaScript in dist/, one file per
 * source file, so that the CLI starts without a TypeScript loader. esbuild rather than tsc: it
 * transpiles the whole tree in well under a second (tsc needs ~25 s of CPU here), which matters
 * because `npm ci` runs this as the `dependencies` script (not `prepare`: npm 11 lists a package's
 * `prepare` as an install script in every app that installs it, and warns). Type checking stays with `npm run typecheck`.
 *
 * `--types` (what `prepack` runs before a pack) builds the whole package: the JavaScript, the type
 * declarations (tsc) and the Lambda functions' bundles in dist/lambda/<role>/index.mjs, built once here
 * with the one definition of the esbuild options (lib/bundling.ts), so that a user's `cdk synth` needs
 * neither esbuild nor Docker and gets the same asset hash on every machine. A clone keeps bundling from
 * the sources at synth.
 *
 * Usage: node scripts/build.mjs [--types]
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['functions', 'plan', 'tools', 'lib'];
export const OUT_DIR = join(ROOT, 'dist');

/**
 * undici's HTTP/2 client, replaced in the CLI bundle: the engine never offers h2 (ALPN is http/1.1
 * only, `allowH2` is never set), yet undici's Client loads it, and with it `node:http2`, at start-up:
 * some 5-10 ms of CPU on every CLI start (measured with `node --cpu-prof`). Should a server still
 * answer h2, undici reports the thrown error as a connection error.
 */
const withoutHttp2 = {
  name: 'without-http2',
  setup(build) {
    build.onLoad({ filter: /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/ }, () => ({
      contents:
        "module.exports = function connectH2() { throw new Error('HTTP/2 is not supported by oauth-probe (ALPN offers http/1.1 only)'); };",
      loader: 'js',
    }));
  },
};

function typescriptSources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

async function compileJavaScript() {
  // Imported lazily: a clear message beats a stack trace when devDependencies were not installed.
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('build: esbuild is not installed; run `npm ci` (it installs the devDependencies)\n');
    process.exit(1);
  }
  const entryPoints = SOURCE_DIRS.flatMap((dir) => typescriptSources(join(ROOT, dir)));
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: OUT_DIR,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  // The CLI as one bundle with lazily loaded chunks (a command's code loads when it runs): loading
  // ~90 modules and their dependencies' files one by one cost the CLI about half of its start-up CPU.
  // The AWS SDK (loaded only by the commands that call AWS) and the demo's devDependencies stay outside.
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'tools/cli/main.ts' },
    outdir: join(OUT_DIR, 'cli'),
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@aws-sdk/*', 'oidc-provider', 'selfsigned'],
    plugins: [withoutHttp2],
    // Bundled CommonJS (undici) calls require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return entryPoints.length;
}

function removeJavaScript(dir) {
  if (!existsSync(dir)) return;
  rmSync(join(dir, 'cli'), { recursive: true, force: true });
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.js')) rmSync(join(entry.parentPath, entry.name));
  }
}

async function emitDeclarations() {
  const { spawnSync } = await import('node:child_process');
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * The Lambda bundles the package ships, from the compiled lib/bundling.js (just written): its
 * `bundleOptions` are those a clone's synth uses, so the prebuilt code is what a clone deploys.
 */
async function bundleLambdas() {
  const esbuild = await import('esbuild');
  const bundling = await import(join(OUT_DIR, 'lib', 'bundling.js'));
  const sizes = [];
  for (const [role, source] of Object.entries(bundling.LAMBDA_SOURCES)) {
    const outfile = join(OUT_DIR, 'lambda', role, bundling.BUNDLE_FILE_NAME);
    await esbuild.build(bundling.bundleOptions(join(ROOT, source), outfile));
    sizes.push(`${role} ${Math.round(statSync(outfile).size / 1024)} KB`);
  }
  return sizes;
}

// A full build (`--types`, run by `prepack`) starts from an empty dist/; the plain build replaces only
// the JavaScript and keeps the declarations and bundles of an earlier pack.
const withTypes = process.argv.includes('--types');
if (withTypes) rmSync(OUT_DIR, { recursive: true, force: true });
else removeJavaScript(OUT_DIR);
const started = performance.now();
const files = await compileJavaScript();
let bundles = [];
if (withTypes) {
  await emitDeclarations();
  bundles = await bundleLambdas();
}
process.stdout.write(
  `build: ${files} files to dist/${bundles.length > 0 ? `, Lambda bundles (${bundles.join(', ')})` : ''} in ${Math.round(performance.now() - started)} ms\n`,
);
