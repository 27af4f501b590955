/**
 * `oauth-probe mute --probe P --for 2h [--reason TEXT]` and `oauth-probe unmute --probe P`: unplanned
 * quiet through CloudWatch alarm mute rules, in every region where the probe has alarms. Uses the AWS
 * credentials of the environment (profile, SSO, variables); each call is bounded by a deadline.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { resolveDeployment, resolveProbe } from '../../../functions/config/resolve.js';
import { clientConfig } from '../../../functions/runtime/shared/deadline.js';
import { didYouMean, type OptionValues, parseCommandArgs } from '../args.js';
import { explainingAws } from '../aws/errors.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG, loadConfigForCli } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { alarmsByRegion, deleteMute, MAX_MUTE_MINUTES, parseDuration, putMute } from '../mute-rules.js';

/** Injectable for tests (aws-sdk-client-mock mocks the client class). */
export const muteClients = { cloudWatch: (region: string) => new CloudWatchClient(clientConfig(region)) };

/** What `unmute` takes, and `mute` on top of its own. */
const targetOptions = {
  config: { type: 'string', short: 'c' },
  probe: { type: 'string', short: 'p' },
  ...HELP_OPTION,
} as const;

const options = {
  ...targetOptions,
  for: { type: 'string' },
  reason: { type: 'string' },
} as const;

async function target(values: OptionValues<typeof targetOptions>, io: Io, command: string) {
  const name = values.probe;
  if (!name) throw new UsageError(`give the probe: --probe NAME; see 'oauth-probe ${command} --help'`);
  const { config, baseDir } = await loadConfigForCli(values.config ?? DEFAULT_CONFIG, io.cwd);
  const probe = config.probes.find((p) => p.name === name);
  if (!probe) {
    const names = config.probes.map((p) => p.name);
    throw new UsageError(`no probe "${name}" in the config${didYouMean(name, names)} (probes: ${names.join(', ')})`);
  }
  const deployment = resolveDeployment(config);
  const resolved = resolveProbe(config, probe, { baseDir });
  return { name, regions: alarmsByRegion(resolved, deployment.homeRegion, deployment.globalFailureRegions) };
}

export const muteCommand: Command = {
  name: 'mute',
  summary: "Mute a probe's alarms for a while (unplanned work), in every region",
  options,
  help: `Usage: oauth-probe mute --probe NAME --for DURATION [--reason TEXT] [--config probes.json]

Writes a CloudWatch alarm mute rule (oauth-probe-mute-NAME) in every region where the probe has
alarms: they keep evaluating, nobody is notified until the mute ends. Needs AWS credentials
(cloudwatch:PutAlarmMuteRule). Planned windows belong in probes.json "maintenance".

Options:
  -p, --probe NAME     the probe
      --for DURATION   how long: 30m, 2h, 1h30m, 1d (at most 15d)
      --reason TEXT    why (kept in the rule's description)
  -c, --config FILE    probes.json (default: ${DEFAULT_CONFIG})
  -h, --help           show this help

Examples:
  npx oauth-probe mute --probe billing-api --for 2h --reason "rotating the client secret"
  npx oauth-probe unmute --probe billing-api

Exit codes: 0 muted, 2 bad usage, config, or AWS (credentials, region, permissions, network).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('mute', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const minutes = parseDuration(values.for ?? '');
    if (!minutes || minutes > MAX_MUTE_MINUTES) {
      throw new UsageError('give how long with --for, e.g. --for 2h, --for 90m, --for 1d (at most 15d)');
    }
    const { name, regions } = await target(values, io, 'mute');
    for (const [region, alarms] of regions) {
      const site = { service: 'CloudWatch', region, action: 'cloudwatch:PutAlarmMuteRule' };
      const { until } = await explainingAws(site, () =>
        putMute(muteClients.cloudWatch(region), {
          probe: name,
          alarms,
          minutes,
          ...(values.reason ? { reason: values.reason } : {}),
          now: new Date(),
        }),
      );
      io.stdout.write(`muted ${alarms.length} alarms of ${name} in ${region} until ${until.toISOString()}\n`);
    }
    return EXIT.ok;
  },
};

export const unmuteCommand: Command = {
  name: 'unmute',
  summary: 'End a mute started with oauth-probe mute',
  options: targetOptions,
  help: `Usage: oauth-probe unmute --probe NAME [--config probes.json]

Deletes the mute rule oauth-probe-mute-NAME in every region where the probe has alarms. Needs AWS
credentials (cloudwatch:DeleteAlarmMuteRule).

Options:
  -p, --probe NAME     the probe whose mute rule ends (required)
  -c, --config FILE    probes.json (default probes.json)
  -h, --help           show this help

Exit codes: 0 done (also when nothing was muted), 2 bad usage, config, or AWS (credentials,\nregion, permissions, network).
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('unmute', argv, targetOptions);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const { name, regions } = await target(values, io, 'unmute');
    for (const region of regions.keys()) {
      const site = { service: 'CloudWatch', region, action: 'cloudwatch:DeleteAlarmMuteRule' };
      const deleted = await explainingAws(site, () => deleteMute(muteClients.cloudWatch(region), name));
      io.stdout.write(`${deleted ? 'unmuted' : 'was not muted:'} ${name} in ${region}\n`);
    }
    return EXIT.ok;
  },
};
