/**
 * `npm run lint:cfn`: synthesizes every config of the matrix (./matrix.ts) in this one process, with
 * cdk-nag and the template quota check as `cdk synth` runs them, then lints every template, nested
 * stacks included, with cfn-lint against its stack's region. Fails on any finding of a rule that
 * ./ignored-rules.ts does not list, on a negative control that cfn-lint did not catch, and when
 * cfn-lint is missing (with the install line). Prints the matrix and the time of each part.
 *
 *   npm run lint:cfn                          the whole matrix
 *   npm run lint:cfn -- --only lean,emf       some entries of it
 *   npm run lint:cfn -- --assembly cdk.out    an assembly synthesized elsewhere (`cdk synth`), instead
 *   npm run lint:cfn -- --keep                keep the synthesized assemblies (their folder is printed)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MissingToolError, requireTool } from '../python-tools.js';
import { controlCaught, judge, lintTemplates, writeBrokenCopy } from './cfn-lint.js';
import { IGNORED_RULES } from './ignored-rules.js';
import { MATRIX } from './matrix.js';
import { assemblyTemplates, type SynthesizedTemplate, synthesizeTemplates } from './synth.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      assembly: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const started = performance.now();
  const version = requireTool('cfn-lint');
  const workDir = mkdtempSync(join(tmpdir(), 'oauth-probe-lint-cfn-'));
  try {
    const templates: SynthesizedTemplate[] = [];
    const synthStarted = performance.now();
    const synthCpu = process.cpuUsage();
    if (values.assembly) {
      const directory = resolve(values.assembly);
      templates.push(...assemblyTemplates(directory, new CloudAssembly(directory).stacks));
      console.log(`assembly ${directory}: ${templates.length} templates`);
    } else {
      const wanted = values.only?.split(',').map((s) => s.trim());
      const unknown = wanted?.filter((name) => !MATRIX.some((e) => e.name === name)) ?? [];
      if (unknown.length > 0) {
        console.error(
          `--only: no matrix entry ${unknown.join(', ')} (entries: ${MATRIX.map((e) => e.name).join(', ')})`,
        );
        return 2;
      }
      const entries = MATRIX.filter((e) => !wanted || wanted.includes(e.name));
      console.log(`synthesizing ${entries.length} configs in one process (cdk-nag on, Lambda code not bundled)`);
      for (const entry of entries) {
        const t = performance.now();
        const synthesized = synthesizeTemplates(entry.build, join(workDir, entry.name));
        templates.push(...synthesized);
        const stacks = synthesized.filter((s) => !s.stack.includes('/')).length;
        const regions = [...new Set(synthesized.map((s) => s.region))].join(' ');
        console.log(
          `  ${entry.name.padEnd(22)} ${String(stacks).padStart(2)} stacks ${String(synthesized.length).padStart(3)} templates  ${seconds(performance.now() - t).padStart(7)}  ${regions}\n  ${' '.repeat(22)} ${entry.covers}`,
        );
      }
    }
    const synthMs = performance.now() - synthStarted;
    const { user, system } = process.cpuUsage(synthCpu);
    const synthCpuSec = (user + system) / 1e6;

    // The negative control goes through cfn-lint with the templates of its region, in the same process.
    const control = writeBrokenCopy(templates[0]!.path, join(workDir, 'negative-control'));
    const lintStarted = performance.now();
    const { findings, processes, cpuSec } = await lintTemplates([
      ...templates,
      { path: control, region: templates[0]!.region },
    ]);
    const lintMs = performance.now() - lintStarted;
    const regions = new Set(templates.map((t) => t.region));
    const verdict = judge(findings.filter((f) => f.file !== control));
    const caught = controlCaught(findings, control);

    console.log(
      `\n${version}: ${templates.length} templates in ${regions.size} regions (${[...regions].join(' ')}), ${processes} cfn-lint processes, 2 at a time`,
    );
    for (const rule of IGNORED_RULES) {
      console.log(`  ignored ${rule.id} x${verdict.ignored[rule.id]}: ${rule.reason}`);
      if (verdict.ignored[rule.id] === 0) console.log(`  note: ${rule.id} matched nothing; is its entry still needed?`);
    }
    console.log(
      caught
        ? `  negative control: cfn-lint reported E3002 for the property added to a copy of ${relative(workDir, templates[0]!.path)}`
        : '  negative control NOT caught: cfn-lint did not report the property added to a copy of a template, so it checks nothing',
    );
    for (const f of verdict.failures) {
      console.log(
        `  ${f.level.toUpperCase()} ${f.rule} ${relative(workDir, f.file)} (${f.region}) ${f.where}: ${f.message}`,
      );
    }
    console.log(
      `\nsynth ${seconds(synthMs)} (${synthCpuSec.toFixed(1)} s CPU), cfn-lint ${seconds(lintMs)} (${cpuSec.toFixed(1)} s CPU in ${processes} processes), total ${seconds(performance.now() - started)}; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    if (values.keep) console.log(`assemblies kept in ${workDir}`);
    const failed = verdict.failures.length > 0 || !caught;
    console.log(
      failed
        ? `lint:cfn FAILED: ${verdict.failures.length} finding(s)${caught ? '' : ', negative control not caught'}`
        : 'lint:cfn passed',
    );
    return failed ? 1 : 0;
  } finally {
    if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A missing tool or a config the app refuses: the message says what to do; no stack trace.
    console.error(error instanceof MissingToolError ? error.message : `lint:cfn: ${(error as Error).message}`);
    process.exitCode = error instanceof MissingToolError ? 2 : 1;
  },
);
