/**
 * Synthesizes the CDK app for tests: bundling skipped (context `aws:cdk:bundling-stacks: []`), one synth
 * per config shared by the tests of a file. A region's template is its stack's with the resources of its
 * nested shard and dashboard stacks merged in.
 *
 * The synth-time checks only where asked (`validations: true`): cdk-nag, as bin/app.ts applies it, and
 * aws-cdk-lib's built-in CloudFormation validation (a WebAssembly rule engine that takes some 5 s of CPU
 * to start in each process). They check the deployed templates, not the behaviour these tests assert:
 * `npm run synth` runs both on the example app, `npm run lint:cfn` on its matrix of configs, and one test
 * here on the example app (`exampleApp()`, example-app.test.ts), instead of every test synth.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps, type CfnResource, NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { parseConfig, parseConfigText } from '../../functions/config/load.js';
import type { ProbesConfig, ProbesConfigInput } from '../../functions/config/schema.js';
import { addOAuthProbeStacks, type OAuthProbeStacksProps } from '../../lib/app.js';
import { applyNag } from '../../lib/nag.js';
import type { OAuthProbeStack } from '../../lib/oauth-probe-stack.js';
import { alarmProperties, type MathAlarmDefinition } from '../../plan/index.js';
import { withParameters } from './nested-parameters.js';

export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

// Synthesize account-agnostic, as `npm run synth` does without credentials.
delete process.env.CDK_DEFAULT_ACCOUNT;

export interface SynthesizedApp {
  config: ProbesConfig;
  stacks: Map<string, OAuthProbeStack>;
  templates: Map<string, Template>;
  /** Violations of every validation plugin (with `validations: true`) from the cloud assembly's report. */
  violations: unknown[];
  outdir: string;
  template(region: string): Template;
}

export function validConfig(input: ProbesConfigInput): ProbesConfig {
  const result = parseConfig(input);
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.problems)}`);
  return result.config;
}

export type BuildOptions = Omit<OAuthProbeStacksProps, 'config'>;

export interface SynthOptions extends BuildOptions {
  /** Bundle the Lambda handlers with esbuild, as `cdk synth` does. @default false */
  bundle?: boolean;
  /** cdk-nag as bin/app.ts applies it, and aws-cdk-lib's built-in CloudFormation validation. @default false */
  validations?: boolean;
}

/**
 * An App as the tests build it: aws-cdk-lib's built-in CloudFormation validation off unless asked for
 * (see above; `props` may turn it on).
 */
export function testApp(props: AppProps = {}): App {
  return new App({ builtinCloudFormationValidation: false, ...props });
}

export function synthesize(input: ProbesConfigInput | ProbesConfig, options: SynthOptions = {}): SynthesizedApp {
  const config = validConfig(input as ProbesConfigInput);
  const outdir = mkdtempSync(join(tmpdir(), 'oauth-probe-cdk-'));
  const { bundle, validations = false, ...build } = options;
  const app = testApp({
    outdir,
    context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: validations,
  });
  const { stacks } = addOAuthProbeStacks(app, { config: config as ProbesConfigInput, baseDir: PROJECT_ROOT, ...build });
  if (validations) applyNag(app);
  const assembly = app.synth();
  const templates = new Map([...stacks].map(([region, stack]) => [region, mergedTemplate(stack)]));
  return {
    config,
    stacks,
    templates,
    violations: validations ? validationViolations(assembly.directory) : [],
    outdir: assembly.directory,
    template(region: string) {
      const template = templates.get(region);
      if (!template) throw new Error(`no stack for ${region}`);
      return template;
    },
  };
}

/** Violations of every validation plugin from the cloud assembly's report (written when a plugin ran). */
function validationViolations(directory: string): unknown[] {
  const path = join(directory, 'validation-report.json');
  if (!existsSync(path)) throw new Error(`no validation report in ${directory}: did the validation plugins run?`);
  const report = JSON.parse(readFileSync(path, 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
  return report.pluginReports.flatMap((r) => r.violations ?? []);
}

const examples = new Map<boolean, SynthesizedApp>();

/**
 * The example app (probes.json), bundling skipped, synthesized once per worker (the test files of the
 * `synth` project share their module cache, vitest.config.ts) and shared by the files that read its
 * templates. With `validations: true`, as `npm run synth` builds it: cdk-nag and the built-in
 * CloudFormation validation (example-app.test.ts); the files that read templates only ask for it
 * without, so that a worker that runs no example-app.test.ts never starts the validation engine.
 */
export function exampleApp(options: { validations?: boolean } = {}): SynthesizedApp {
  const validations = options.validations ?? false;
  let example = examples.get(validations) ?? (validations ? undefined : examples.get(true));
  if (!example) {
    example = synthesize(parseConfigText(readFileSync(join(PROJECT_ROOT, 'probes.json'), 'utf8')), { validations });
    examples.set(validations, example);
  }
  return example;
}

/**
 * A stack's template with the resources of its nested stacks (shards, dashboards) added, their
 * parameters replaced by what the parent passes (so a shard's alarm action reads `Ref: AlarmTopic...`
 * as if the alarm were in the parent).
 */
export function mergedTemplate(stack: Stack): Template {
  // A copy: Template.fromStack hands out the assembly's cached template, which the merge would change
  // for every later Template.fromStack(stack) (the region's own template would hold its shards').
  const json = structuredClone(Template.fromStack(stack).toJSON()) as {
    Resources: Record<string, { Properties?: Record<string, unknown> }>;
  };
  const nested = stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack);
  for (const child of nested) {
    const resourceId = stack.getLogicalId(child.nestedStackResource as CfnResource);
    const parameters = (json.Resources[resourceId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const substitute = (value: unknown): unknown => withParameters(value, parameters);
    const resources = (Template.fromStack(child).toJSON() as { Resources?: Record<string, unknown> }).Resources;
    for (const [id, resource] of Object.entries(resources ?? {}))
      json.Resources[`${child.node.id}/${id}`] = substitute(resource) as never;
  }
  return Template.fromJSON(json);
}

/** Templates of a stack and each of its nested stacks, by construct path. */
export function stackTemplates(stack: Stack): Map<string, Template> {
  const nested = stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack);
  return new Map([stack, ...nested].map((s) => [s.node.path, Template.fromStack(s)]));
}

/** The template as JSON with asset hashes masked, for snapshots that survive handler changes. */
export function maskedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON(), null, 2).replace(/[0-9a-f]{64}(\.zip)?/g, '[ASSET]$1');
  return JSON.parse(text);
}

/** Resources of a type, as [logicalId, properties]. */
export function resourcesOf(template: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.findResources(type)).map(([id, r]) => [
    id,
    (r as { Properties?: Record<string, unknown> }).Properties ?? {},
  ]);
}

export function count(template: Template, type: string): number {
  return Object.keys(template.findResources(type)).length;
}

/**
 * The notifier's routing table as deployed in `region`: the JSON file of its routes layer, read from the
 * staged asset (the function's environment names the file, /opt/oauth-probe/routes.json).
 */
export function notifierRoutes(
  synth: SynthesizedApp,
  region: string,
): {
  targets: Record<string, Record<string, unknown>>;
  defaults: { warning: string[]; critical: string[] };
  probes: Record<string, Record<string, unknown>>;
} {
  const template = synth.template(region);
  const json = template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const layers = Object.entries(json.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::LayerVersion' && String(r.Properties.Description).includes('routing table'),
  );
  if (layers.length !== 1) throw new Error(`expected one routes layer in ${region}, found ${layers.length}`);
  const key = String((layers[0]![1].Properties.Content as { S3Key: string }).S3Key).replace(/\.zip$/, '');
  return JSON.parse(readFileSync(join(synth.outdir, `asset.${key}`, 'oauth-probe', 'routes.json'), 'utf8'));
}

/**
 * The alarm named `name` is exactly the plan's definition (plan/alarm-expressions.ts): its expression,
 * the metrics it reads, threshold, comparison, M of N and missing-data rule. CDK names the expression's
 * query itself (`expr_1`), so ids are compared through the expression's references.
 */
export function expectMathAlarm(template: Template, name: string, definition: MathAlarmDefinition): void {
  const json = template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const found = Object.values(json.Resources).find(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === name,
  );
  if (!found) throw new Error(`no alarm ${name}`);
  const expected = alarmProperties(name, definition);
  const { Metrics, ...rest } = found.Properties as Record<string, unknown> & { Metrics: Record<string, unknown>[] };
  expect(rest).toMatchObject({
    AlarmName: expected.AlarmName,
    Threshold: expected.Threshold,
    ComparisonOperator: expected.ComparisonOperator,
    EvaluationPeriods: expected.EvaluationPeriods,
    DatapointsToAlarm: expected.DatapointsToAlarm,
    TreatMissingData: expected.TreatMissingData,
  });
  const expression = (metrics: Record<string, unknown>[]) => metrics.find((m) => m.Expression !== undefined);
  expect(expression(Metrics)?.Expression, name).toBe(expression(expected.Metrics)?.Expression);
  const reads = (metrics: Record<string, unknown>[]) =>
    metrics
      .filter((m) => m.MetricStat !== undefined)
      .map(({ Id, MetricStat }) => ({ Id, MetricStat }))
      .sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
  expect(reads(Metrics), name).toEqual(reads(expected.Metrics));
}
