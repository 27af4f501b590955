/**
 * Runs cfn-lint over templates, each against the region its stack deploys to (`--regions`), and sorts
 * what it reports into failures and the findings IGNORED_RULES expects. Templates of one region share a
 * cfn-lint process (its start-up costs a few seconds), two processes at a time on a two-core machine.
 *
 * The negative control: a copy of one template with a property its resource type does not have. cfn-lint
 * must report it as an error (E3002) in the same process as the real templates; if it does not, the
 * linter is not checking anything (a broken install, a changed output format) and the run fails, so a
 * silent linter can never pass for a clean matrix.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { IGNORED_RULES } from './ignored-rules.js';

export interface LintTarget {
  path: string;
  region: string;
}

export interface Finding {
  file: string;
  region: string;
  rule: string;
  level: string;
  message: string;
  /** Path inside the template, e.g. Resources/ProbeFunction/Properties/Runtime. */
  where: string;
}

export interface Verdict {
  /** Findings that fail the lint (any rule not in IGNORED_RULES, at any level). */
  failures: Finding[];
  /** Count of expected findings, by rule id (0 for a listed rule that matched nothing). */
  ignored: Record<string, number>;
}

interface CfnLintMatch {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location?: { Path?: (string | number)[] };
}

/** The property the negative control adds: no CloudFormation resource type has it. */
export const CONTROL_PROPERTY = 'OAuthProbeNegativeControlNotAProperty';

/**
 * Writes a copy of `template` into `dir` with CONTROL_PROPERTY added to its first resource that has
 * properties, and returns the copy's path.
 */
export function writeBrokenCopy(template: string, dir: string): string {
  const json = JSON.parse(readFileSync(template, 'utf8')) as {
    Resources?: Record<string, { Properties?: Record<string, unknown> }>;
  };
  const target = Object.values(json.Resources ?? {}).find((resource) => resource.Properties);
  if (!target?.Properties) throw new Error(`${template}: no resource with properties to break`);
  target.Properties[CONTROL_PROPERTY] = true;
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, `negative-control.${basename(template)}`);
  writeFileSync(copy, JSON.stringify(json, null, 1));
  return copy;
}

/** True when cfn-lint reported the control's extra property as an error. */
export function controlCaught(findings: Finding[], controlPath: string): boolean {
  return findings.some(
    (f) => f.file === controlPath && f.level === 'Error' && f.rule === 'E3002' && f.where.endsWith(CONTROL_PROPERTY),
  );
}

/** Templates one cfn-lint process takes at most: big regions are split so that every core has work. */
export const TEMPLATES_PER_PROCESS = 24;

/**
 * Lints every target against its region: the templates of a region in chunks of at most
 * TEMPLATES_PER_PROCESS, balanced by size, the biggest chunks first, `concurrency` processes at a time.
 */
export async function lintTemplates(
  targets: LintTarget[],
  options: { concurrency?: number; command?: string } = {},
): Promise<{ findings: Finding[]; processes: number; cpuSec: number }> {
  const chunks = chunkTargets(targets, TEMPLATES_PER_PROCESS);
  const findings: Finding[] = [];
  let cpuSec = 0;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const run = await runCfnLint(chunk.region, chunk.files, options.command ?? 'cfn-lint');
      findings.push(...run.findings);
      cpuSec += run.cpuSec;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2, chunks.length) }, worker));
  return { findings, processes: chunks.length, cpuSec };
}

interface Chunk {
  region: string;
  files: string[];
  bytes: number;
}

/** Per region, chunks of at most `size` templates with about equal bytes; all chunks, biggest first. */
export function chunkTargets(targets: LintTarget[], size: number): Chunk[] {
  const byRegion = new Map<string, { path: string; bytes: number }[]>();
  for (const t of targets) {
    byRegion.set(t.region, [...(byRegion.get(t.region) ?? []), { path: t.path, bytes: statSync(t.path).size }]);
  }
  const chunks: Chunk[] = [];
  for (const [region, files] of byRegion) {
    const own: Chunk[] = Array.from({ length: Math.ceil(files.length / size) }, () => ({
      region,
      files: [],
      bytes: 0,
    }));
    for (const file of [...files].sort((a, b) => b.bytes - a.bytes)) {
      const lightest = own.filter((c) => c.files.length < size).reduce((a, b) => (a.bytes <= b.bytes ? a : b));
      lightest.files.push(file.path);
      lightest.bytes += file.bytes;
    }
    chunks.push(...own);
  }
  return chunks.sort((a, b) => b.bytes - a.bytes);
}

/** Splits findings into failures and the expected findings of IGNORED_RULES. */
export function judge(findings: Finding[]): Verdict {
  const ignoredIds = new Set(IGNORED_RULES.map((r) => r.id));
  const ignored: Record<string, number> = Object.fromEntries(IGNORED_RULES.map((r) => [r.id, 0]));
  const failures: Finding[] = [];
  for (const f of findings) {
    if (ignoredIds.has(f.rule)) ignored[f.rule] = (ignored[f.rule] ?? 0) + 1;
    else failures.push(f);
  }
  return { failures, ignored };
}

/** `times` of bash: its own user/sys line, then its children's (here: cfn-lint's) CPU time. */
const TIMES = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

/** One cfn-lint process over `files` for `region`: its JSON output as findings, and its CPU seconds. */
function runCfnLint(
  region: string,
  files: string[],
  command: string,
): Promise<{ findings: Finding[]; cpuSec: number }> {
  return new Promise((resolve, reject) => {
    // Through bash for its `times` builtin: the CPU time of cfn-lint, which on a loaded machine says more
    // than the wall time. cfn-lint's exit code is passed on.
    const child = spawn(
      'bash',
      [
        '-c',
        '"$0" "$@"; code=$?; times >&2; exit $code',
        command,
        '--format',
        'json',
        '--regions',
        region,
        '--',
        ...files,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const times = TIMES.exec(stderr);
      const cpuSec = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : 0;
      const said = stderr.replace(TIMES, '').trim();
      // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational; 1 means it failed itself.
      if (code === null || (code & 1) === 1) {
        reject(new Error(`cfn-lint failed for ${region} (exit ${code}): ${said || stdout.trim()}`));
        return;
      }
      let matches: CfnLintMatch[];
      try {
        matches = JSON.parse(stdout || '[]') as CfnLintMatch[];
      } catch {
        reject(new Error(`cfn-lint for ${region} printed no JSON (exit ${code}): ${stdout.slice(0, 500)}${said}`));
        return;
      }
      resolve({
        cpuSec,
        findings: matches.map((m) => ({
          file: m.Filename,
          region,
          rule: m.Rule.Id,
          level: m.Level,
          message: m.Message,
          where: (m.Location?.Path ?? []).join('/'),
        })),
      });
    });
  });
}
