/**
 * `{{name}}` placeholders of a probe's steps against the names its earlier steps extract. A typo in a
 * placeholder is a config bug: found at load time (validate, synth, `run`), never at run time as an
 * `assertion_failed` that blames the API and pages its owners.
 */
import { nearMiss } from '../near-miss.js';
import type { ConfigProblem } from './problems.js';
import type { ProbeConfig, StepConfig } from './schema.js';

/** The engine's placeholder syntax (functions/engine/template.ts). */
const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

/** Every placeholder name in a step's request (URL, header values, string or JSON body), with where it is. */
export function stepPlaceholders(step: StepConfig): { name: string; where: string }[] {
  const found: { name: string; where: string }[] = [];
  const scan = (text: string, where: string) => {
    for (const match of text.matchAll(PLACEHOLDER)) found.push({ name: match[1]!, where });
  };
  scan(step.request.url, 'request.url');
  for (const [header, value] of Object.entries(step.request.headers ?? {})) scan(value, `request.headers.${header}`);
  const walk = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      scan(value, where);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${where}[${i}]`);
      });
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    }
  };
  walk(step.request.body, 'request.body');
  return found;
}

export interface PlaceholderFindings {
  /** Placeholders no earlier step extracts: the run would fail at this step. */
  problems: ConfigProblem[];
  /** Extracted names no later step uses: harmless, probably a leftover or a typo elsewhere. */
  unused: ConfigProblem[];
}

/** Checks one probe (`path` is its place in the config, e.g. `probes[0]`). */
export function placeholderFindings(probe: Pick<ProbeConfig, 'name' | 'steps'>, path: string): PlaceholderFindings {
  const problems: ConfigProblem[] = [];
  const unused: ConfigProblem[] = [];
  const extracted = new Map<string, { step: number; used: boolean }>();
  probe.steps.forEach((step, index) => {
    for (const { name, where } of stepPlaceholders(step)) {
      const source = extracted.get(name);
      if (source) {
        source.used = true;
        continue;
      }
      const later = probe.steps.findIndex((s, i) => i >= index && Object.hasOwn(s.extract ?? {}, name));
      const guess = nearMiss(name, [...extracted.keys()]);
      const why =
        later === index
          ? `step "${step.name}" extracts it itself, after its request is sent`
          : later > index
            ? `step "${probe.steps[later]!.name}" extracts it, but runs later`
            : extracted.size === 0
              ? 'no earlier step has an "extract"'
              : `earlier steps extract ${[...extracted.keys()].map((n) => `{{${n}}}`).join(', ')}`;
      problems.push({
        path: `${path}.steps[${index}].${where}`,
        message: `{{${name}}} in step "${step.name}" of probe "${probe.name}" has no value: ${why}.${guess ? ` Did you mean {{${guess}}}?` : ''} Fix the name, or add it to the "extract" of an earlier step.`,
      });
    }
    for (const name of Object.keys(step.extract ?? {})) extracted.set(name, { step: index, used: false });
  });
  for (const [name, { step, used }] of extracted) {
    if (used) continue;
    unused.push({
      path: `${path}.steps[${step}].extract.${name}`,
      message: `step "${probe.steps[step]!.name}" of probe "${probe.name}" extracts "${name}" but no later step uses {{${name}}}: remove it, or check the placeholder's spelling`,
    });
  }
  return { problems, unused };
}
