#!/usr/bin/env node
// The CLI entry point: registers tsx so the TypeScript sources run as they are (no build step after
// `npm ci`), then hands over to tools/cli/main.ts. Nothing here may print a stack trace.
// The Node version is checked first, before anything is imported: on an older Node the engine fails in
// ways that read like a server's fault (`crypto is not defined` as jwt_malformed).

const EXIT_INTERNAL = 70;
const EXIT_USAGE = 2;
/** Keep in step with "engines" in package.json. */
const REQUIRED_NODE = [20, 18, 1];

const running = process.versions.node.split('.').map(Number);
const tooOld = (() => {
  for (let i = 0; i < REQUIRED_NODE.length; i++) {
    if ((running[i] ?? 0) !== REQUIRED_NODE[i]) return (running[i] ?? 0) < REQUIRED_NODE[i];
  }
  return false;
})();
if (tooOld) {
  process.stderr.write(
    `oauth-probe: Node.js ${REQUIRED_NODE.join('.')} or later is required; this is ${process.versions.node}. Install Node 20.18+, 22 or 24 (e.g. \`nvm install 22\`) and run it again.\n`,
  );
  process.exit(EXIT_USAGE);
}

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

try {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../tools/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  internalError(error);
}
