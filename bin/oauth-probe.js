#!/usr/bin/env node
// The CLI entry point: registers tsx so the TypeScript sources run as they are (no build step after
// `npm ci`), then hands over to tools/cli/main.ts. Nothing here may print a stack trace.
import { register } from 'tsx/esm/api';

const EXIT_INTERNAL = 70;

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
  register();
  const { main } = await import('../tools/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  internalError(error);
}
