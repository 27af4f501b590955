/**
 * `oauth-probe demo`: a real authorization server (oidc-provider) and protected API on 127.0.0.1 over
 * HTTPS, two example probes run every ~2 s, and the failures oauth-probe exists to catch injected one
 * after another and healed. `--ci` runs it without pauses or colour and fails unless every failure was
 * diagnosed as expected and every heal returned to pass.
 */

import { resolveProbe } from '../../functions/config/resolve.js';
import type { ProbesConfig } from '../../functions/config/schema.js';
import { type ProbeResult, runProbes } from '../../functions/engine/index.js';
import { MemorySecretSource } from '../../functions/secrets/memory-source.js';
import { startLocalEnvironment } from '../local-servers/index.js';
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

/** Runs the demo; true unless a diagnosis differed from the expected one (only checked with `ci`). */
export async function runDemo(options: DemoOptions, view: DemoView): Promise<boolean> {
  const ci = options.ci === true;
  const p = view.style;
  const intervalMs = ci ? 0 : (options.intervalSec ?? 2) * 1000;
  const faultRuns = ci ? 1 : (options.faultRuns ?? 3);
  const out = (text = '') => view.write(`${text}\n`);
  const started = performance.now();

  out(p.bold('oauth-probe demo'));
  out(
    p.dim(
      'A real authorization server (oidc-provider) and a protected API on 127.0.0.1 over HTTPS; two probes run every 2 s while failures are injected and healed.',
    ),
  );
  out();

  const env = await startLocalEnvironment({ https: true });
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  const checks: Check[] = [];
  try {
    const ctx: DemoContext = { env, secretStore: new Map(Object.entries(env.secrets)) };
    const secrets = new MemorySecretSource(ctx.secretStore);
    const configs = demoProbeConfigs(env);
    const config = { probes: configs } as ProbesConfig;
    const probes = configs.map((probe) => resolveProbe(config, probe));
    const nameWidth = Math.max(...probes.map((probe) => probe.name.length));
    out(`  authorization server  ${env.authServer.issuer}`);
    out(`  protected API         ${env.resourceServer.url}`);
    for (const probe of probes)
      out(`  probe ${p.bold(probe.name.padEnd(nameWidth))}    ${p.dim(probe.description ?? '')}`);
    out();

    let nextRunAt = performance.now();
    const runOnce = async (): Promise<ProbeResult[]> => {
      await sleep(nextRunAt - performance.now(), stop.signal);
      nextRunAt = performance.now() + intervalMs;
      return runProbes(probes, { secrets }, { concurrency: probes.length });
    };
    const show = (results: ProbeResult[], full: boolean) => {
      for (const result of results) {
        const detailed = full && result.probe === MAIN_PROBE && result.status !== 'pass';
        view.write(view.formatResult(result, nameWidth, detailed));
      }
    };
    const expectAll = (
      scenario: string,
      phase: Check['phase'],
      results: ProbeResult[],
      expected: (probe: string) => Expectation,
    ) => {
      for (const result of results) {
        const differences = compare(result, expected(result.probe));
        checks.push({ scenario, phase, probe: result.probe, differences });
      }
    };
    const passing = (): Expectation => ({ status: 'pass', stage: null, code: null });

    let cycle = 0;
    do {
      cycle += 1;
      if (options.loop) out(p.dim(`cycle ${cycle}`));
      out(p.bold('Healthy'));
      const baseline = await runOnce();
      show(baseline, true);
      expectAll('baseline', 'baseline', baseline, passing);
      out();

      for (const [index, scenario] of SCENARIOS.entries()) {
        if (stop.signal.aborted) break;
        out(p.bold(`${index + 1}/${SCENARIOS.length}  ${scenario.title}`));
        out(`    ${scenario.story}`);
        out(p.dim(`    inject: ${scenario.injection}`));
        await scenario.inject(ctx);
        for (let run = 0; run < faultRuns && !stop.signal.aborted; run += 1) {
          const results = await runOnce();
          show(results, run === 0);
          if (run === 0) {
            expectAll(scenario.id, 'fault', results, (probe) => scenario.expect[probe] ?? passing());
            const mine = checks.filter((c) => c.scenario === scenario.id && c.phase === 'fault');
            const ok = mine.every((c) => c.differences.length === 0);
            const expected = scenario.expect[MAIN_PROBE]!;
            out(
              ok
                ? p.green(`    ✓ diagnosed: ${expected.status} at ${expected.stage}, ${expected.code}`)
                : p.red(
                    `    ✗ not as expected: ${mine.flatMap((c) => c.differences.map((d) => `${c.probe}: ${d}`)).join('; ')}`,
                  ),
            );
          }
        }
        out(p.dim(`    heal: ${scenario.healing}`));
        await scenario.heal(ctx);
        const healed = await runOnce();
        show(healed, true);
        expectAll(scenario.id, 'healed', healed, passing);
        out();
      }
    } while (options.loop && !stop.signal.aborted);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await env.close();
  }

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
  nextSteps(out, p);
  return !ci || (failed.length === 0 && scenarios.length === SCENARIOS.length);
}

function nextSteps(out: (text?: string) => void, p: DemoView['style']): void {
  out(p.bold('Where to go next'));
  out('  Your own authorization server: describe it in probes.json (README "Providers": Auth0, Entra ID, Okta,');
  out('  Keycloak, Cognito), put the client credentials in local-secrets.json (never committed), then');
  out(`    ${p.cyan('npx oauth-probe validate')}`);
  out(`    ${p.cyan('npx oauth-probe run --secrets local-secrets.json')}`);
  out(`  What it costs on AWS:   ${p.cyan('npx oauth-probe cost')}`);
  out('  Deploy (every probe to every region, with metrics and alarms): store the secrets in Secrets Manager,');
  out(`    ${p.cyan('npx cdk bootstrap && npx cdk deploy --all')}   (README "Deploy")`);
}

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
