/** `oauth-probe preflight`: before a deploy, check in AWS what the deployment needs (./../aws/preflight.ts). */
import { resolveDeployment, resolveProbes } from '../../../functions/config/resolve.js';
import { planConfig } from '../../../plan/index.js';
import { parseCommandArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT } from '../errors.js';

const options = {
  config: { type: 'string', short: 'c' },
  'scan-region': { type: 'string', multiple: true },
  ...HELP_OPTION,
} as const;

export const preflightCommand: Command = {
  name: 'preflight',
  summary: 'Check in AWS that secrets, replicas and bootstrap are in place, and find stacks left behind',
  options,
  help: `Usage: oauth-probe preflight [--config probes.json] [--scan-region REGION]...

Needs AWS credentials (the SDK's chain: AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO...). Checks, read-only:
  - every probe's secret exists and parses in every region the probe runs in (its replica there),
  - every PagerDuty, Slack and Teams target's secret and the watchdog's heartbeat secret exists in the
    home region and holds a key or an https URL,
  - every region of the deployment is CDK-bootstrapped (SSM parameter /cdk-bootstrap/hnb659fds/version),
  - with reservedConcurrency, the account's Lambda concurrency leaves Lambda its 100 unreserved units
    after the reservation, in every region that runs probes (GetAccountSettings),
  - no stack of this deployment (by its name) is left in a region the config no longer has; such a
    stack keeps probing and alarming, and CDK never deletes it: the finding gives the delete command.
Left-over stacks are searched for in the regions every account has enabled; add opt-in regions with
--scan-region. Secret values are never printed.

Options:
  -c, --config FILE         probes.json to check (default: ${DEFAULT_CONFIG})
      --scan-region REGION  also search this region for left-over stacks (repeatable)
  -h, --help                show this help

Examples:
  AWS_PROFILE=ops npx oauth-probe preflight
  AWS_PROFILE=ops npx oauth-probe preflight --config staging.json --scan-region me-central-1

Exit codes: 0 everything in place, 1 a check found a problem, 2 bad usage, config, or AWS (credentials,
region, permissions, network).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('preflight', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const { config, baseDir } = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
    const probes = resolveProbes(config, { baseDir });
    const deployment = resolveDeployment(config);
    const regions = [...new Set([deployment.homeRegion, ...deployment.regions])];
    // The AWS SDK is loaded only here: other commands start without it.
    const [{ DEFAULT_SCAN_REGIONS, runPreflight }, { deploymentName, deploymentStackName }, { notificationSecrets }] =
      await Promise.all([
        import('../aws/preflight.js'),
        import('../aws/deployment.js'),
        import('../aws/notification-secrets.js'),
      ]);
    const name = deploymentName(config);
    const scanRegions = [...new Set([...DEFAULT_SCAN_REGIONS, ...(values['scan-region'] ?? [])])];
    const report = await runPreflight({
      probes,
      homeRegion: deployment.homeRegion,
      notificationSecrets: notificationSecrets(config),
      regions,
      scanRegions,
      stackName: (region) => deploymentStackName(region, name),
    });

    // Config reservedConcurrency, as the plan resolves it per region, against the account's Lambda settings.
    const reservations = planConfig(config).plan.regions.flatMap((r) =>
      r.reservedConcurrency === undefined ? [] : [{ region: r.region, reservation: r.reservedConcurrency }],
    );
    const { reservedConcurrencyFindings } = await import('../aws/concurrency.js');
    const concurrency = await reservedConcurrencyFindings(reservations);
    const sections = [
      ['Secrets', report.secrets],
      ['Notification secrets (home region: channels and heartbeat)', report.notificationSecrets],
      ['Bootstrap', report.bootstrap],
      ...(reservations.length > 0 ? [['Lambda concurrency (reservedConcurrency)', concurrency] as const] : []),
      [`Stacks of deployment "${name}" outside its regions`, report.leftOver],
    ] as const;
    let problems = 0;
    for (const [title, findings] of sections) {
      io.stdout.write(`${title}\n`);
      if (findings.length === 0) io.stdout.write('  ok    none\n');
      for (const finding of findings) {
        if (!finding.ok) problems += 1;
        io.stdout.write(`  ${finding.ok ? 'ok  ' : 'FAIL'}  ${finding.text}\n`);
      }
    }
    io.stdout.write(problems === 0 ? '\nready to deploy\n' : `\n${problems} problem${problems > 1 ? 's' : ''} found\n`);
    return problems === 0 ? EXIT.ok : EXIT.probeFailed;
  },
};
