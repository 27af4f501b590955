/**
 * One plan, every tool: `oauth-probe validate` passes exactly when `cdk synth` does (with the same lines
 * when both refuse), on configs generated from the schema's shapes; and the alarms in the synthesized
 * templates, the alarms `cost --json` prices and the alarms `notify-preview` lists are the same set.
 *
 * Synth here is bin/app.ts's sequence in-process (addOAuthProbeStacks, synth, the template check),
 * without bundling and cdk-nag (neither refuses a config; `npm run synth` applies nag once).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Errors } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/config/problems.js';
import type { ProbesConfigInput } from '../../functions/config/schema.js';
import { addOAuthProbeStacks } from '../../lib/app.js';
import { checkTemplates } from '../../lib/template-check.js';
import { main } from '../../tools/cli/main.js';
import { memoryIo } from '../tools/cli/memory-io.js';
import { type GeneratedConfig, generatedConfig } from './generated-configs.js';

type Verdict = { ok: true } | { ok: false; lines: string[] };

function writeConfig(config: ProbesConfigInput): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-probe-agree-'));
  writeFileSync(join(dir, 'probes.json'), JSON.stringify(config, null, 2));
  return { dir, file: join(dir, 'probes.json') };
}

async function validateVerdict(dir: string): Promise<Verdict> {
  const io = memoryIo(dir);
  const code = await main(['validate', '--config', 'probes.json'], io);
  if (code === 0) return { ok: true };
  expect(code, io.err()).toBe(2);
  // The problem lines (`  path: message`), without the heading and the closing advice.
  return {
    ok: false,
    lines: io
      .err()
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line)),
  };
}

interface Synthesized {
  verdict: Verdict;
  /** Every alarm name in every template of the assembly (nested stacks included), with whether it has actions. */
  alarms: Map<string, boolean>;
}

function synthVerdict(file: string): Synthesized {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'oauth-probe-agree-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  const alarms = new Map<string, boolean>();
  try {
    addOAuthProbeStacks(app, { config: file, source: 'probes.json' });
    const assembly = app.synth();
    checkTemplates(assembly, 'probes.json');
    for (const figure of readTemplates(assembly.directory)) {
      for (const resource of Object.values(figure.Resources ?? {})) {
        if (resource.Type !== 'AWS::CloudWatch::Alarm' && resource.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
        const name = String(resource.Properties.AlarmName ?? resource.Properties.CompositeAlarmName);
        alarms.set(name, ((resource.Properties.AlarmActions as unknown[] | undefined) ?? []).length > 0);
      }
    }
    return { verdict: { ok: true }, alarms };
  } catch (error) {
    if (error instanceof ConfigError) {
      return { verdict: { ok: false, lines: error.problems.map((p) => `  ${p.path}: ${p.message}`) }, alarms };
    }
    if (Errors.isConstructError(error)) return { verdict: { ok: false, lines: [(error as Error).message] }, alarms };
    throw error;
  }
}

type TemplateJson = { Resources?: Record<string, { Type: string; Properties: Record<string, unknown> }> };

function readTemplates(directory: string): TemplateJson[] {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const files = new Set<string>();
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      files.add(artifact.properties.templateFile);
    }
  }
  // Nested stacks are templates of their own in the assembly directory.
  for (const name of readdirTemplates(directory)) files.add(name);
  return [...files].map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as TemplateJson);
}

function readdirTemplates(directory: string): string[] {
  return readdirSync(directory).filter((file) => file.endsWith('.template.json'));
}

const explain = (generated: GeneratedConfig) => `seed ${generated.seed}: ${generated.features.join(', ')}`;

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 7);

describe('validate passes exactly when synth passes (generated configs)', () => {
  const cases = [...SEEDS.map((seed) => generatedConfig(seed)), generatedConfig(4242, 60)];

  it('covers every kind of mistake and the features of the schema', () => {
    const all = cases.flatMap((c) => c.features);
    for (const mistake of [
      'placeholder typo',
      'degraded over timeout',
      'long evaluation',
      'no critical target',
      'every probe disabled',
      'no concurrency reserved',
      'heartbeat too rare',
    ]) {
      expect(all, mistake).toContain(`mistake: ${mistake}`);
    }
    for (const feature of [
      'degradedMs',
      'lean profile',
      'emf transport',
      'notify',
      'page',
      'owner',
      'rejects',
      'maintenance',
      'named deployment',
      'enabled false',
      'notifications: mixed',
      'notifications: dashboardsOnly',
      'reservedConcurrency',
      'heartbeat',
      'vpc',
    ]) {
      expect(all, feature).toContain(feature);
    }
  });

  const verdicts: boolean[] = [];

  it.each(cases.map((c) => [explain(c), c] as const))('%s', async (_, generated) => {
    const { dir, file } = writeConfig(generated.config);

    const validate = await validateVerdict(dir);
    const synth = synthVerdict(file).verdict;

    expect(validate.ok, JSON.stringify({ validate, synth })).toBe(synth.ok);
    if (!validate.ok && !synth.ok) expect(validate.lines.sort()).toEqual(synth.lines.sort());
    // A config generated with a mistake is refused (by both, then), whatever else it switches on.
    if (generated.features.some((f) => f.startsWith('mistake: '))) expect(validate.ok, explain(generated)).toBe(false);
    verdicts.push(validate.ok);
  });

  it('saw both verdicts (the generated set is not all valid or all refused)', () => {
    expect(verdicts).toHaveLength(cases.length);
    expect(verdicts.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(verdicts.filter((ok) => !ok).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the same alarms in the templates, in `cost --json` and in `notify-preview`', () => {
  const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../probes.json'), 'utf8')) as ProbesConfigInput;
  const lean: ProbesConfigInput = {
    name: 'staging',
    regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
    metrics: { profile: 'lean' },
    notifications: { warning: { emails: ['ops@example.com'] } },
    probes: [
      {
        name: 'guarded',
        tokenUrl: 'https://auth.example.com/token',
        credentials: { secretId: 'guarded' },
        degradedMs: 1500,
        steps: [{ name: 'list', request: { url: 'https://api.example.com/x' }, rejects: ['missing_token'] }],
      },
      {
        name: 'solo',
        tokenUrl: 'https://auth.example.com/token',
        credentials: { secretId: 'solo' },
        regions: ['us-east-1'],
      },
    ],
  };

  it.each([
    ['the example probes.json', example],
    ['a lean named deployment with a security alarm', lean],
  ] as const)('%s', async (_, config) => {
    const { dir, file } = writeConfig(config);
    const synthesized = synthVerdict(file);
    expect(synthesized.verdict).toEqual({ ok: true });

    const costIo = memoryIo(dir);
    expect(await main(['cost', '--json'], costIo), costIo.err()).toBe(0);
    const priced = (JSON.parse(costIo.out()) as { alarms: { name: string }[] }).alarms.map((a) => a.name);

    const listed: string[] = [];
    for (const probe of config.probes) {
      const io = memoryIo(dir);
      expect(await main(['notify-preview', '--probe', probe.name, '--json'], io), io.err()).toBe(0);
      listed.push(...(JSON.parse(io.out()) as { alarms: { name: string }[] }).alarms.map((a) => a.name));
    }

    const inTemplates = [...synthesized.alarms.keys()].sort();
    expect(priced.sort()).toEqual(inTemplates);
    // notify-preview lists each probe's alarms that notify (with actions); the window alarms of burn
    // composites and the deployment's own alarms (no probe) are not a probe's notifications.
    const probeNotifying = [...synthesized.alarms]
      .filter(([name, actions]) => actions && config.probes.some((p) => name.includes(`${p.name}-`)))
      .map(([name]) => name)
      .sort();
    expect(listed.sort()).toEqual(probeNotifying);
  });
});
