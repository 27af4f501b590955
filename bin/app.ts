/**
 * The CDK app: `npx cdk synth|deploy` (cdk.json runs this with tsx). Reads probes.json (or
 * `-c config=path`), builds one stack per region and runs cdk-nag. A bad config fails the synth
 * once, listing every problem with its path, without a stack trace.
 */
import { dirname, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfigFile } from '../functions/config/load.js';
import { buildOAuthProbeApp, resolveForDeployment } from '../lib/app.js';
import { applyNag } from '../lib/nag.js';

const app = new App();
const configPath = resolve(String(app.node.tryGetContext('config') ?? 'probes.json'));
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
  // Errors here name the CDK context key, not the CLI's --config flag.
  const config = await loadConfigFile(configPath, {
    chooseWith: '-c config=FILE (npx cdk synth -c config=probes.json)',
  });
  const baseDir = dirname(configPath);
  const probes = resolveForDeployment(config, baseDir, configPath);
  buildOAuthProbeApp(app, config, { baseDir, probes, probeMemoryMb });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
applyNag(app);
app.synth();
