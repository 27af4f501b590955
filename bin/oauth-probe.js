#!/usr/bin/env node
// The CLI entry point: registers tsx so the TypeScript sources run as they are (no build step after
// `npm ci`), then hands over to functions/cli/main.ts. Nothing here may print a stack trace.
import { register } from 'tsx/esm/api';

const EXIT_INTERNAL = 70;

try {
  register();
  const { main } = await import('../functions/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // main() answers every expected failure itself; whatever reaches here is a bug (or a broken install).
  process.stderr.write(`oauth-probe: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.OAUTH_PROBE_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  process.exitCode = EXIT_INTERNAL;
}
