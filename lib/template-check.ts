/**
 * The synth-side second look at the CloudFormation quotas: every template the assembly holds (region
 * stacks and their nested shard and dashboard stacks) against `templateProblems` of
 * functions/config/limits.ts, which `validate` estimated before synth. It catches what the estimates
 * cannot know (a construct added without updating them) before CloudFormation does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ConfigError } from '../functions/config/problems.js';
import { type QuotaProblem, templateProblems } from '../plan/index.js';

export interface TemplateFigures {
  file: string;
  resources: number;
  bytes: number;
  outputs: number;
  parameters: number;
}

/** Figures of every template file in the assembly directory (CDK uploads these files as they are). */
export function templateFigures(directory: string): TemplateFigures[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => {
      const path = join(directory, file);
      const template = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
      return {
        file,
        resources: Object.keys(template.Resources ?? {}).length,
        bytes: statSync(path).size,
        outputs: Object.keys(template.Outputs ?? {}).length,
        parameters: Object.keys(template.Parameters ?? {}).length,
      };
    });
}

/** Throws `ConfigError` naming each template over a quota. */
export function checkTemplates(assembly: CloudAssembly, source?: string): TemplateFigures[] {
  const figures = templateFigures(assembly.directory);
  const problems: QuotaProblem[] = figures.flatMap((f) => templateProblems(f.file.replace(/\.template\.json$/, ''), f));
  if (problems.length > 0) throw new ConfigError(problems, source);
  return figures;
}
