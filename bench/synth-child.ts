/**
 * One synth of a generated fleet, as `cdk synth` runs bin/app.ts (cdk-nag included), with bundling
 * excluded (`aws:cdk:bundling-stacks: []`) so the figure is the app's, not esbuild's. Prints one JSON
 * line: peak RSS, the largest template, the most outputs and parameters of any template, how close the
 * plan's shard estimates came to the synthesized shard templates, and the largest dashboard.
 *
 * The fleet-size checks that were tests (test/cdk/fleet.test.ts, the 1,000-probe dashboards) are these
 * figures now: a synth of 1,000 probes is a measurement of minutes, not a behaviour. The suite keeps
 * the behaviour at test size (test/cdk/sharding.test.ts, test/cdk/dashboards.test.ts).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { ProbesConfigInput } from '../functions/config/schema.js';
import { addOAuthProbeStacks } from '../lib/app.js';
import { applyNag } from '../lib/nag.js';
import { templateFigures } from '../lib/template-check.js';
import { FLEET_REGIONS, fleetConfig } from '../scripts/fleet-config.js';

const probes = Number(process.argv[2]);
const workDir = process.argv[3]!;
const app = new App({
  outdir: mkdtempSync(join(workDir, `synth-${probes}-`)),
  context: { 'aws:cdk:bundling-stacks': [] },
});
const built = addOAuthProbeStacks(app, {
  config: fleetConfig(probes, FLEET_REGIONS, { ownRoutes: true }) as ProbesConfigInput,
  baseDir: workDir,
});
applyNag(app);
const directory = app.synth().directory;
const figures = templateFigures(directory);
const byResources = figures.reduce((a, b) => (b.resources > a.resources ? b : a));
const byBytes = figures.reduce((a, b) => (b.bytes > a.bytes ? b : a));

/**
 * Each shard's synthesized template against the plan's estimate of it (what `validate` checks before
 * any synth): the largest ratio of real to planned bytes, and the most resources over the plan.
 */
let planBytesRatio = 0;
let planResourcesOver = Number.NEGATIVE_INFINITY;
let shards = 0;
for (const [region, stack] of built.stacks) {
  const plan = built.prepared.plan.regions.find((r) => r.region === region)!;
  for (const [i, shard] of stack.probes.shards.entries()) {
    const file = join(directory, shard.templateFile);
    const resources = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { Resources: object }).Resources).length;
    planBytesRatio = Math.max(planBytesRatio, statSync(file).size / plan.shards[i]!.templateBytes);
    planResourcesOver = Math.max(planResourcesOver, resources - plan.shards[i]!.resources);
    shards += 1;
  }
}

/** A dashboard's body as deployed, with CloudFormation pseudo parameters as plain text (an account id). */
function bodyText(stack: Stack, body: unknown): string {
  const resolved = stack.resolve(body) as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '123456789012')).join('');
}

let dashboards = 0;
let maxDashboardBytes = 0;
let maxDashboardWidgets = 0;
for (const group of built.homeStack.probes.dashboards) {
  for (const dashboard of group.dashboards) {
    const text = bodyText(Stack.of(dashboard), (dashboard.node.defaultChild as CfnDashboard).dashboardBody);
    dashboards += 1;
    maxDashboardBytes = Math.max(maxDashboardBytes, Buffer.byteLength(text));
    maxDashboardWidgets = Math.max(maxDashboardWidgets, (JSON.parse(text) as { widgets: unknown[] }).widgets.length);
  }
}

console.log(
  JSON.stringify({
    templates: figures.length,
    maxResources: byResources.resources,
    maxResourcesTemplate: byResources.file,
    maxBytes: byBytes.bytes,
    maxBytesTemplate: byBytes.file,
    maxOutputs: Math.max(...figures.map((f) => f.outputs)),
    maxParameters: Math.max(...figures.map((f) => f.parameters)),
    shards,
    planBytesRatio,
    planResourcesOver,
    dashboards,
    maxDashboardBytes,
    maxDashboardWidgets,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
