/**
 * One synth of a generated fleet, as `cdk synth` runs bin/app.ts (cdk-nag included), with bundling
 * excluded (`aws:cdk:bundling-stacks: []`) so the figure is the app's, not esbuild's. Prints one JSON
 * line: peak RSS and the largest template.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { ProbesConfigInput } from '../functions/config/schema.js';
import { addOAuthProbeStacks } from '../lib/app.js';
import { applyNag } from '../lib/nag.js';
import { templateFigures } from '../lib/template-check.js';
import { FLEET_REGIONS, fleetConfig } from './fleet-config.js';

const probes = Number(process.argv[2]);
const workDir = process.argv[3]!;
const app = new App({
  outdir: mkdtempSync(join(workDir, `synth-${probes}-`)),
  context: { 'aws:cdk:bundling-stacks': [] },
});
addOAuthProbeStacks(app, { config: fleetConfig(probes, FLEET_REGIONS) as ProbesConfigInput, baseDir: workDir });
applyNag(app);
const figures = templateFigures(app.synth().directory);
const byResources = figures.reduce((a, b) => (b.resources > a.resources ? b : a));
const byBytes = figures.reduce((a, b) => (b.bytes > a.bytes ? b : a));
console.log(
  JSON.stringify({
    templates: figures.length,
    maxResources: byResources.resources,
    maxResourcesTemplate: byResources.file,
    maxBytes: byBytes.bytes,
    maxBytesTemplate: byBytes.file,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
