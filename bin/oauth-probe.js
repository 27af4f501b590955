#!/usr/bin/env node
// The CLI entry point: runs the compiled JavaScript in dist/ (shipped in the package; in a clone built by
// `npm run build`, which `npm ci` runs as the `dependencies` script; see scripts/build.mjs), so no
// TypeScript loader runs at start. Nothing here may print a stack trace.

const EXIT_INTERNAL = 70;
const EXIT_USAGE = 2;

// `engines` in package.json is only advisory for an installed package: enforce it here, in words.
// Keep in step with package.json `engines.node`.
const MINIMUM_NODE = [20, 18, 1];
const running = process.versions.node.split('.').map(Number);
const tooOld = MINIMUM_NODE.findIndex((part, i) => running[i] !== part);
if (tooOld !== -1 && running[tooOld] < MINIMUM_NODE[tooOld]) {
  // Checked before anything is imported: on an older Node the engine fails in ways that read like a
  // server's fault (`crypto is not defined` as jwt_malformed).
  process.stderr.write(
    `oauth-probe: Node.js ${MINIMUM_NODE.join('.')} or later is required; this is ${process.versions.node}. Install Node 20.18+, 22 or 24 (e.g. \`nvm install 22\`) and run it again.\n`,
  );
  process.exit(EXIT_USAGE);
}

// The AWS SDK prints a 7-line NodeVersionSupportWarning on Node 20 (its releases after January 2027
// need Node 22) before the first call of every AWS command, burying the CLI's own output. This process
// turns off that warning alone, with the SDK's own switch (set it to `false` to see it); every other
// warning still reaches stderr. Set before anything loads the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function internalError(error) {
  process.stderr.write(`oauth-probe: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.OAUTH_PROBE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_INTERNAL);
}

// `oauth-probe run --json | head -1`: the reader went away; stop quietly, as other CLIs do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  internalError(error);
});
// main() answers every expected failure itself; whatever reaches these is a bug.
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('oauth-probe: the compiled CLI (dist/) is missing: run `npm run build` (npm ci runs it)\n');
    process.exit(EXIT_INTERNAL);
  }
  internalError(error);
}
try {
  process.exitCode = await cli.main(process.argv.slice(2));
} catch (error) {
  internalError(error);
}
