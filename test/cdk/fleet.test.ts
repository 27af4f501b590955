/**
 * The tested fleet size: 1,000 probes x 3 regions synthesize offline (no bundling) with every template
 * within CloudFormation's quotas and the planned budgets, and the plan's estimates bound the real
 * templates. One synth of about 90 s of CPU (docs/benchmarks.md); the timeout leaves room for a
 * loaded CI machine.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SHARDS } from '../../functions/config/defaults.js';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { addOAuthProbeStacks, type OAuthProbeApp } from '../../lib/app.js';
import { type TemplateFigures, templateFigures } from '../../lib/template-check.js';
import { BUDGETS, QUOTAS } from '../../plan/quotas.js';
import { fleetConfig } from './fleet-config.js';

let built: OAuthProbeApp;
let figures: TemplateFigures[];
beforeAll(() => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-fleet-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  built = addOAuthProbeStacks(app, { config: fleetConfig(1000) as ProbesConfigInput, baseDir: tmpdir() });
  figures = templateFigures(app.synth().directory);
}, 1_800_000);

describe('1,000 probes x 3 regions', () => {
  it('spreads each region over its shards, within the resource budget', () => {
    for (const region of built.prepared.plan.regions) {
      expect(region.probes).toHaveLength(1000);
      expect(region.shards.length).toBe(DEFAULT_SHARDS);
      expect(region.shards.reduce((n, s) => n + s.probes.length, 0)).toBe(1000);
    }
    const largest = figures.reduce((a, b) => (b.resources > a.resources ? b : a));
    expect(largest.resources).toBeLessThanOrEqual(BUDGETS.stackResources);
    // Figures at the time of writing (docs/scaling.md): 285 resources in the fullest shard.
    expect(largest.resources).toBeGreaterThan(100);
  });

  it('keeps every template within CloudFormation’s quotas with headroom', () => {
    expect(figures.length).toBeGreaterThan(3 * DEFAULT_SHARDS);
    for (const f of figures) {
      expect(f.resources, f.file).toBeLessThanOrEqual(BUDGETS.stackResources);
      expect(f.bytes, f.file).toBeLessThanOrEqual(BUDGETS.templateBytes);
      expect(f.outputs, f.file).toBeLessThanOrEqual(QUOTAS.stackOutputs);
      expect(f.parameters, f.file).toBeLessThanOrEqual(QUOTAS.stackParameters);
    }
  });

  it('plans upper bounds of what it synthesizes (the check validate runs is never optimistic)', () => {
    const [home] = built.prepared.plan.regions;
    const homeShards = figures.filter((f) => f.file.startsWith('OAuthProbeeuwest1Shard'));
    expect(homeShards).toHaveLength(home!.shards.length);
    const planned = Math.max(...home!.shards.map((s) => s.templateBytes));
    const plannedResources = Math.max(...home!.shards.map((s) => s.resources));
    expect(Math.max(...homeShards.map((f) => f.bytes))).toBeLessThanOrEqual(planned);
    expect(Math.max(...homeShards.map((f) => f.resources))).toBeLessThanOrEqual(plannedResources + 1);
  });
});
