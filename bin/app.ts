/**
 * The CDK app of this repository: `npx cdk synth|deploy [-c config=FILE]` (cdk.json runs this with tsx).
 * A thin user of the construct library (lib/index.ts): one stack per region of the config, cdk-nag.
 * A bad config, or one over an AWS quota, fails the synth once, listing every problem with its path and
 * the fix (the same lines as `oauth-probe validate`), naming `-c config=FILE`, without a stack trace.
 */
import { App, Errors } from 'aws-cdk-lib';
import { ConfigError } from '../functions/config/problems.js';
import { addOAuthProbeStacks } from '../lib/index.js';
import { applyNag } from '../lib/nag.js';
import { checkTemplates } from '../lib/template-check.js';

const app = new App();
const configPath = String(app.node.tryGetContext('config') ?? 'probes.json');
const source = `${configPath} (-c config=${configPath})`;
// Memory of the probe functions (`-c probeMemoryMb=192`), for tuning from `npm run bench` figures.
const memoryContext = app.node.tryGetContext('probeMemoryMb');
try {
  const probeMemoryMb = memoryContext === undefined ? undefined : Number(memoryContext);
  if (
    probeMemoryMb !== undefined &&
    !(Number.isInteger(probeMemoryMb) && probeMemoryMb >= 128 && probeMemoryMb <= 10240)
  ) {
    throw new ConfigError([{ path: '-c probeMemoryMb', message: 'must be a whole number of MB from 128 to 10240' }]);
  }
  addOAuthProbeStacks(app, { config: configPath, source, probeMemoryMb });
  applyNag(app);
  const assembly = app.synth();
  checkTemplates(assembly, source);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (Errors.isConstructError(error)) {
    // A construct's own check (CDK ValidationError): its message and path, not a trace.
    console.error(`${source}: ${(error as Error).message}${error.constructPath ? ` (at ${error.constructPath})` : ''}`);
  } else {
    throw error;
  }
  process.exit(1);
}
