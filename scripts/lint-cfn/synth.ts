/**
 * Synthesizes one matrix entry in this process, as bin/app.ts does (cdk-nag applied, the template
 * quota check run), and lists every template of its cloud assembly with the region of its stack:
 * the region stacks and, recursively, the nested stacks they hold (shards, dashboard pages).
 *
 * The Lambda code is not bundled: the context `aws:cdk:bundling-stacks: []` makes CDK skip esbuild for
 * every stack; the asset then names the project folder as its source without copying anything, and its
 * hash comes from the bundling options instead of a bundle. The templates still carry
 * `Code: { S3Bucket, S3Key }` of an asset, which is all cfn-lint reads of it. (test:aws bundles.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { applyNag } from '../../lib/nag.js';
import { checkTemplates } from '../../lib/template-check.js';

export interface SynthesizedTemplate {
  /** Absolute path of the template file in the cloud assembly. */
  path: string;
  /** The region its stack deploys to (a nested stack's is its parent's). */
  region: string;
  /** Stack name, or `parent/nested logical id` for a nested stack. */
  stack: string;
}

interface TemplateJson {
  Resources?: Record<string, { Type?: string; Metadata?: Record<string, unknown> }>;
}

/** Builds the app with `build`, synthesizes it into `outdir` and returns its templates. */
export function synthesizeTemplates(build: (app: App) => void, outdir: string): SynthesizedTemplate[] {
  const app = new App({
    outdir,
    // As the cdk CLI synthesizes: asset metadata names each nested stack's template file.
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-asset-metadata': true },
  });
  build(app);
  applyNag(app);
  const assembly = app.synth();
  checkTemplates(assembly);
  return assemblyTemplates(assembly.directory, assembly.stacks);
}

/** Every template of the assembly's stacks, nested ones included, each with its region. */
export function assemblyTemplates(
  directory: string,
  stacks: readonly Pick<CloudFormationStackArtifact, 'stackName' | 'templateFile' | 'environment'>[],
): SynthesizedTemplate[] {
  const out: SynthesizedTemplate[] = [];
  for (const stack of stacks) {
    const region = stack.environment.region;
    if (!region || region.startsWith('unknown-')) {
      throw new Error(`stack ${stack.stackName} has no concrete region: cfn-lint needs one (env: { region })`);
    }
    collect(directory, stack.templateFile, region, stack.stackName, out);
  }
  return out;
}

function collect(directory: string, file: string, region: string, stack: string, out: SynthesizedTemplate[]): void {
  const path = join(directory, file);
  out.push({ path, region, stack });
  const template = JSON.parse(readFileSync(path, 'utf8')) as TemplateJson;
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    // CDK writes a nested stack's template as a file asset and names it in the resource's metadata.
    const nested = resource.Metadata?.['aws:asset:path'];
    if (typeof nested !== 'string' || !existsSync(join(directory, nested))) {
      throw new Error(`${file}: nested stack ${id} names no template file in the assembly (aws:asset:path)`);
    }
    collect(directory, nested, region, `${stack}/${id}`, out);
  }
}
