/** `oauth-probe demo` (= `npm start`): the local walk-through of the failures oauth-probe tells apart. */
import type { DemoView } from '../../demo/run.js';
import { parseCommandArgs } from '../args.js';
import { colourEnabled, palette } from '../colour.js';
import { type Command, HELP_OPTION } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import { formatResult, formatResultLine } from '../format.js';
import type { Io } from '../io.js';
import { basePort, onPorts } from '../ports.js';

const options = {
  loop: { type: 'boolean' },
  ci: { type: 'boolean' },
  port: { type: 'string' },
  ...HELP_OPTION,
} as const;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Local authorization server and API on 127.0.0.1; watch injected failures diagnosed live',
  options,
  help: `Usage: oauth-probe demo [--loop] [--ci] [--port N]

Starts a real authorization server (oidc-provider) and a protected API on 127.0.0.1 over HTTPS, runs
an example probe against them every 2 seconds and walks through the failures oauth-probe exists to
catch, each injected for a while and then healed:

  1. the client secret was rotated             → fail at token, invalid_client
  2. a scope was removed from the client       → fail at api, insufficient_scope
  3. the authorization server is slow          → degraded at token, slow_response
  4. signing keys rotated, the API did not see → fail at api, invalid_token
  5. the API is down while tokens still flow   → fail at api, connection_refused

For each, the verdict, stage, code, hint and the timing waterfall of every request. Ends after one
cycle and prints where to go next. Needs no AWS account and no network beyond 127.0.0.1.

Options:
      --loop     keep cycling through the scenarios until Ctrl-C
      --ci       no pauses, no colour; exit 0 only if every failure was diagnosed as expected and
                 every heal returned to pass, else print what differed and exit 1
      --port N   the authorization server on port N, the API on N+1 (default: free ports)
  -h, --help     show this help

Examples:
  npm start
  npx oauth-probe demo --loop
  npm run demo:ci

Exit codes: 0 demo finished (with --ci: every scenario diagnosed as expected), 1 a scenario was
not diagnosed as expected (--ci), 2 bad usage or a port in use.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('demo', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const ci = values.ci === true;
    const port = basePort(values.port);
    const { runDemo } = await loadDemo();
    const asExpected = await onPorts(port, () =>
      runDemo({ loop: values.loop === true, ci, ...(port !== undefined ? { port } : {}) }, demoView(io, ci)),
    );
    return asExpected ? EXIT.ok : EXIT.probeFailed;
  },
};

/** The CLI's stdout, colours (none with --ci) and result format, handed to the demo. */
export function demoView(io: Io, ci: boolean): DemoView {
  const p = palette(!ci && colourEnabled(io.stdout, io.env));
  return {
    write: (text) => io.stdout.write(text),
    style: p,
    formatResult: (result, nameWidth, detailed) =>
      detailed
        ? formatResult(result, { palette: p, nameWidth })
        : `${formatResultLine(result, { palette: p, nameWidth })}\n`,
  };
}

/**
 * The demo runs oidc-provider and a test PKI, which are devDependencies: the installed package ships
 * without them (and without the demo's modules), so there the demo is a usage error saying where it runs.
 */
async function loadDemo(): Promise<typeof import('../../demo/run.js')> {
  try {
    return await import('../../demo/run.js');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new UsageError(
      'the demo needs the development dependencies (oidc-provider): run it from a clone of the repository (npm ci && npm start)',
    );
  }
}
