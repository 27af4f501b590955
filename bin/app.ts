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
try {
  const config = await loadConfigFile(configPath);
  const baseDir = dirname(configPath);
  const probes = resolveForDeployment(config, baseDir, configPath);
  buildOAuthProbeApp(app, config, { baseDir, probes });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
applyNag(app);
app.synth();
