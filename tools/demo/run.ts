/**
 * `oauth-probe demo`: a real authorization server (oidc-provider) and protected API on 127.0.0.1 over
 * HTTPS, two example probes run every ~2 s, and the failures oauth-probe exists to catch injected one
 * after another and healed. `--ci` runs it without pauses or colour and fails unless every failure was
 * diagnosed as expected and every heal returned to pass.
 */

import { type ResolvedProbe, resolveProbe } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { type ProbeResult, runProbes } from '../../functions/engine/index.js';
import { MemorySecretSource } from '../../functions/secrets/memory-source.js';
import { startLocalEnvironment } from '../local-servers/index.js';
import { emailText, failureNotification, SAMPLE_REGION } from './notification.js';
import { compare, type DemoContext, demoProbeConfigs, type Expectation, MAIN_PROBE, SCENARIOS } from './scenarios.js';

export interface DemoOptions {
  /** Cycle through the scenarios until interrupted. @default false */
  loop?: boolean;
  /** No pauses, no colour; the exit code says whether every diagnosis was as expected. @default false */
  ci?: boolean;
  /** Seconds between runs in the interactive demo. @default 2 */
  intervalSec?: number;
  /** Runs while a fault is in place (interactive). @default 3 */
  faultRuns?: number;
  /** The authorization server's port, the API's the next one. @default free ports */
  port?: number;
}

/**
 * How the demo writes: the CLI passes its stdout, colours and result formatter, so that this folder
 * does not import tools/cli (which imports it: the `demo` command), and the two never form a cycle.
 */
export interface DemoView {
  write(text: string): void;
  /** Styles text; identity functions when colour is off. */
  style: Record<'bold' | 'dim' | 'green' | 'red' | 'cyan', (text: string) => string>;
  /** One result: one line, or (`detailed`) the line with its details and waterfall. */
  formatResult(result: ProbeResult, nameWidth: number, detailed: boolean): string;
}

interface Check {
  scenario: string;
  phase: 'baseline' | 'fault' | 'healed';
  probe: string;
  differences: string[];
}

/** One demo: the local environment, the probes, the pacing and the checks made so far. */
interface Session {
  view: DemoView;
  out: (text?: string) => void;
  ctx: DemoContext;
  probes: ResolvedProbe[];
  secrets: MemorySecretSource;
  nameWidth: number;
  intervalMs: number;
  faultRuns: number;
  stop: AbortSignal;
  nextRunAt: number;
  checks: Check[];
  /** The notification of an injected failure is shown once per demo. */
  notified: boolean;
  /** When the main probe last passed (the notification's "last good run"). */
  lastPass?: string;
}

/** Runs the demo; true unless a diagnosis differed from the expected one (only checked with `ci`). */
export async function runDemo(options: DemoOptions, view: DemoView): Promise<boolean> {
  const ci = options.ci === true;
  const p = view.style;
  const out = (text = '') => view.write(`${text}\n`);
  const started = performance.now();
  out(p.bold('oauth-probe demo'));
  out(
    p.dim(
      'A real authorization server (oidc-provider) and a protected API on 127.0.0.1 over HTTPS; two probes run every 2 s while failures are injected and healed.',
    ),
  );
  out();

  const env = await startLocalEnvironment({
    https: true,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const checks: Check[] = [];
  try {
    const ctx: DemoContext = { env, secretStore: new Map(Object.entries(env.secrets)) };
    const configs = demoProbeConfigs(env);
    const probes = configs.map((probe) => resolveProbe({ probes: configs } as ProbesConfig, probe));
    const session: Session = {
      view,
      out,
      ctx,
      probes,
      secrets: new MemorySecretSource(ctx.secretStore),
      nameWidth: Math.max(...probes.map((probe) => probe.name.length)),
      intervalMs: ci ? 0 : (options.intervalSec ?? 2) * 1000,
      faultRuns: ci ? 1 : (options.faultRuns ?? 3),
      stop: stop.signal,
      nextRunAt: performance.now(),
      checks,
      notified: false,
    };
    printSetup(session);
    let cycle = 0;
    do {
      cycle += 1;
      if (options.loop) out(p.dim(`cycle ${cycle}`));
      await runBaseline(session);
      for (const [index, scenario] of SCENARIOS.entries()) {
        if (stop.signal.aborted) break;
        await runScenario(session, scenario, index);
      }
    } while (options.loop && !stop.signal.aborted);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await env.close();
  }
  const asExpected = summarize(checks, out, p, started);
  nextSteps(out, p);
  return !ci || asExpected;
}

function printSetup(s: Session): void {
  const p = s.view.style;
  s.out(`  authorization server  ${s.ctx.env.authServer.issuer}`);
  s.out(`  protected API         ${s.ctx.env.resourceServer.url}`);
  for (const probe of s.probes)
    s.out(`  probe ${p.bold(probe.name.padEnd(s.nameWidth))}    ${p.dim(probe.description ?? '')}`);
  s.out();
}

/** Runs every probe once, no sooner than the interval after the previous run. */
async function runOnce(s: Session): Promise<ProbeResult[]> {
  await sleep(s.nextRunAt - performance.now(), s.stop);
  s.nextRunAt = performance.now() + s.intervalMs;
  const results = await runProbes(s.probes, { secrets: s.secrets }, { concurrency: s.probes.length });
  const passed = results.find((result) => result.probe === MAIN_PROBE && result.status === 'pass');
  if (passed) s.lastPass = passed.startedAt;
  return results;
}

function show(s: Session, results: ProbeResult[], full: boolean): void {
  for (const result of results) {
    const detailed = full && result.probe === MAIN_PROBE && result.status !== 'pass';
    s.view.write(s.view.formatResult(result, s.nameWidth, detailed));
  }
}

function expectAll(
  s: Session,
  scenario: string,
  phase: Check['phase'],
  results: ProbeResult[],
  expected: (probe: string) => Expectation,
): void {
  for (const result of results) {
    s.checks.push({ scenario, phase, probe: result.probe, differences: compare(result, expected(result.probe)) });
  }
}

const passing = (): Expectation => ({ status: 'pass', stage: null, code: null });

async function runBaseline(s: Session): Promise<void> {
  s.out(s.view.style.bold('Healthy'));
  const baseline = await runOnce(s);
  show(s, baseline, true);
  expectAll(s, 'baseline', 'baseline', baseline, passing);
  s.out();
}

/** Injects the scenario's fault, runs the probes while it is in place, heals it and checks they pass again. */
async function runScenario(s: Session, scenario: (typeof SCENARIOS)[number], index: number): Promise<void> {
  const p = s.view.style;
  s.out(p.bold(`${index + 1}/${SCENARIOS.length}  ${scenario.title}`));
  s.out(`    ${scenario.story}`);
  s.out(p.dim(`    inject: ${scenario.injection}`));
  await scenario.inject(s.ctx);
  for (let run = 0; run < s.faultRuns && !s.stop.aborted; run += 1) {
    const results = await runOnce(s);
    show(s, results, run === 0);
    if (run > 0) continue;
    expectAll(s, scenario.id, 'fault', results, (probe) => scenario.expect[probe] ?? passing());
    const mine = s.checks.filter((c) => c.scenario === scenario.id && c.phase === 'fault');
    const expected = scenario.expect[MAIN_PROBE]!;
    s.out(
      mine.every((c) => c.differences.length === 0)
        ? p.green(`    ✓ diagnosed: ${expected.status} at ${expected.stage}, ${expected.code}`)
        : p.red(
            `    ✗ not as expected: ${mine.flatMap((c) => c.differences.map((d) => `${c.probe}: ${d}`)).join('; ')}`,
          ),
    );
    showNotification(s, results);
  }
  s.out(p.dim(`    heal: ${scenario.healing}`));
  await scenario.heal(s.ctx);
  const healed = await runOnce(s);
  show(s, healed, true);
  expectAll(s, scenario.id, 'healed', healed, passing);
  s.out();
}

/**
 * The first failure of the main probe, as its on-call engineer would read it by email had the probe
 * been deployed: the notifier's own message for the Availability alarm that three such runs set off.
 */
function showNotification(s: Session, results: ProbeResult[]): void {
  const failed = results.find((result) => result.probe === MAIN_PROBE && result.status === 'fail');
  if (s.notified || !failed) return;
  s.notified = true;
  const notification = failureNotification(failed, {
    at: new Date(),
    ...(s.lastPass ? { lastGoodRun: s.lastPass } : {}),
  });
  s.out(
    s.view.style.dim(
      `    notified (deployed in ${SAMPLE_REGION}, after 3 such runs): the email, built by the notifier's message builder`,
    ),
  );
  for (const line of emailText(notification).trimEnd().split('\n')) s.out(line ? `      ${line}` : '');
}

/** Prints the tally; true when every scenario ran and every check was as expected. */
function summarize(checks: Check[], out: Session['out'], p: DemoView['style'], started: number): boolean {
  const failed = checks.filter((c) => c.differences.length > 0);
  const scenarios = SCENARIOS.filter((s) => checks.some((c) => c.scenario === s.id && c.phase === 'fault'));
  const diagnosed = scenarios.filter((s) =>
    checks.filter((c) => c.scenario === s.id).every((c) => c.differences.length === 0),
  );
  out(
    `${diagnosed.length === scenarios.length && failed.length === 0 ? p.green('✓') : p.red('✗')} ${diagnosed.length}/${scenarios.length} failures diagnosed as expected and healed back to pass, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const check of failed)
    out(p.red(`  ✗ ${check.scenario} (${check.phase}) ${check.probe}: ${check.differences.join('; ')}`));
  out();
  return failed.length === 0 && scenarios.length === SCENARIOS.length;
}

function nextSteps(out: (text?: string) => void, p: DemoView['style']): void {
  out(p.bold('Where to go next'));
  out('  Your own probe, against the same servers (no failures injected; prints the exact run command):');
  out(`    ${p.cyan('npx oauth-probe local --dir playground')}`);
  out('  Your own authorization server: describe it in probes.json (docs/providers.md: Auth0, Entra ID, Okta,');
  out('  Keycloak, Cognito), put the client credentials in local-secrets.json (never committed), then');
  out(`    ${p.cyan('npx oauth-probe validate --config probes.json')}`);
  out(`    ${p.cyan('npx oauth-probe run --config probes.json --secrets local-secrets.json')}`);
  out(`  What it costs on AWS:   ${p.cyan('npx oauth-probe cost --config probes.json')}`);
  out('  Deploy (every probe to every region, with metrics and alarms): bootstrap the home region and every');
  out('  probe region once (docs/deploy.md), store the secrets in Secrets Manager, then deploy:');
  for (const line of BOOTSTRAP_LINES) out(`    ${p.cyan(line)}`);
  out(`    ${p.cyan('npx cdk deploy --all')}   (docs/deploy.md)`);
}

/** docs/deploy.md step 1 for the example probes.json's regions, word for word (a test keeps them equal). */
export const BOOTSTRAP_LINES = [
  'ACCOUNT=$(aws sts get-caller-identity --query Account --output text)',
  'npx cdk bootstrap aws://$ACCOUNT/eu-west-1 aws://$ACCOUNT/us-east-1',
] as const;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
