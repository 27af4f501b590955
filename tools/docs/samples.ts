/**
 * Every sample output in README.md and docs/, produced by real runs: the CLI's commands called in
 * process (`main(argv, io)`, as bin/oauth-probe.js calls it) against one local playground (the
 * authorization server and API `oauth-probe local` starts, with the files it writes), the demo
 * (`demo --ci`, which starts its own HTTPS servers and injects its faults), the notifier's message
 * builder, and the offline commands on the repository's probes.json. AWS calls (`mute`, `unmute`) go
 * to aws-sdk-client-mock. Volatile parts are normalised (./normalise.ts); `npm run docs:samples`
 * writes the samples between the docs' `<!-- sample:NAME -->` markers, test/docs/samples.test.ts
 * fails when a committed one differs.
 *
 * A `run` sample shows the human output of its command; it is rendered from the results of the same
 * command with `--json`, normalised, by the functions `run` prints with (formatResult, formatSummary,
 * formatJunit), because the waterfall is drawn from the timings and those change with every run.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CloudWatchClient,
  DeleteAlarmMuteRuleCommand,
  PutAlarmMuteRuleCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ProbeResult } from '../../functions/engine/index.js';
import { palette } from '../cli/colour.js';
import { alertTestCommand } from '../cli/commands/alert-test.js';
import { demoView } from '../cli/commands/demo.js';
import { describePlayground, writePlayground } from '../cli/commands/local.js';
import { formatResult, formatSummary } from '../cli/format.js';
import type { Io } from '../cli/io.js';
import { formatJunit } from '../cli/junit.js';
import { main } from '../cli/main.js';
import { emailText, failureNotification } from '../demo/notification.js';
import { runDemo } from '../demo/run.js';
import { startLocalEnvironment } from '../local-servers/index.js';
import { alarmSeverityTable } from './alarm-table.js';
import { costExamplesTable, leanBreakdownTable } from './cost-tables.js';
import { faultSamples } from './fault-samples.js';
import { normaliseResult, normaliseText, SAMPLE_PORTS, SAMPLE_STARTED_AT, type TextNormaliser } from './normalise.js';
import { subjectsTable } from './subjects.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** Where the samples say the clone is (the temp folder the playground lives in, as the reader's clone). */
export const SAMPLE_CLONE = '/home/you/oauth-probe';

/** `lang` of a sample that is markdown to show as such (a table), not a fenced block. */
export const MARKDOWN = 'markdown';

export interface Sample {
  /** The marker name: `<!-- sample:NAME -->`. */
  name: string;
  /** Info string of the fenced block (`json`, `xml`, or empty); `markdown` (MARKDOWN): no fence, the text is markdown. */
  lang: string;
  text: string;
  /** The commands the sample shows (`$ ...` lines), each of which was run to make it. */
  commands: string[];
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const NO_COLOUR = palette(false);

async function cli(argv: string[], cwd: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: '1' },
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Splits a command as the docs write it (double quotes group words) and drops `npx oauth-probe`. */
export function argvOf(command: string): string[] {
  const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  if (words[0] !== 'npx' || words[1] !== 'oauth-probe') throw new Error(`not an oauth-probe command: ${command}`);
  return words.slice(2);
}

function expectCode(command: string, outcome: Outcome, code: number): Outcome {
  if (outcome.code !== code) {
    throw new Error(`${command}: exit ${outcome.code}, expected ${code}\n${outcome.stdout}${outcome.stderr}`);
  }
  return outcome;
}

/** The output of `run` for `command`, from the normalised results of the same command with --json. */
async function runSample(
  command: string,
  cwd: string,
  code: number,
): Promise<{ results: ProbeResult[]; text: string }> {
  const argv = argvOf(command).filter((word) => word !== '--verbose' && word !== '-v' && word !== '-V');
  const outcome = expectCode(command, await cli([...argv, '--json'], cwd), code);
  const results = (JSON.parse(outcome.stdout) as ProbeResult[]).map(normaliseResult);
  const verbose = command.includes('--verbose');
  const nameWidth = Math.max(...results.map((r) => r.probe.length));
  // Lines appear as probes finish: the quickest first.
  const printed = [...results].sort((a, b) => a.durationMs - b.durationMs);
  const text =
    printed.map((r) => formatResult(r, { palette: NO_COLOUR, verbose, nameWidth })).join('') +
    `\n${formatSummary(results, Math.max(...results.map((r) => r.durationMs)) + 3, NO_COLOUR)}`;
  return { results, text };
}

/**
 * The output of `run --repeat` for `command` (one probe), from the normalised results of the same command
 * with --json: each round's header, its result line and its summary, as run prints them.
 */
async function repeatSample(command: string, cwd: string): Promise<string> {
  const outcome = expectCode(command, await cli([...argvOf(command), '--json'], cwd), 0);
  const results = (JSON.parse(outcome.stdout) as ProbeResult[]).map(normaliseResult);
  return results
    .map(
      (result, index) =>
        `${index > 0 ? '\n' : ''}round ${index + 1} of ${results.length}\n` +
        formatResult(result, { palette: NO_COLOUR }) +
        `\n${formatSummary([result], result.durationMs + 3, NO_COLOUR)}`,
    )
    .join('');
}

/** The `--json` output of a run, normalised (run prints each result through resultJson). */
async function jsonSample(command: string, cwd: string, code: number): Promise<string> {
  const outcome = expectCode(command, await cli(argvOf(command), cwd), code);
  const results = (JSON.parse(outcome.stdout) as ProbeResult[]).map(normaliseResult);
  return `${JSON.stringify(results, null, 2)}\n`;
}

const shown = (command: string, output: string) => `$ ${command}\n${output}`;

/** A probes.json with the two mistakes the validate sample shows. */
export const BAD_CONFIG = {
  probes: [
    {
      name: 'billing api',
      tokenUrl: 'https://auth.example.com/oauth/token',
      credentials: { secretId: 'oauth-probe/billing' },
      clientAuth: 'client_secret_jwt',
    },
  ],
};

/** The playground edits the failing `run` samples show: a create-invoice step and a wrong secret. */
export const CREATE_INVOICE_STEP = {
  name: 'create-invoice',
  request: { method: 'POST', url: '{API}/v1/invoices', body: { amount: 100, currency: 'EUR' } },
  expect: { status: 201 },
};
export const WRONG_SECRET = 'not-the-current-secret';

/** Generates every sample; one playground, one demo, everything else offline or mocked. */
export async function generateSamples(): Promise<Sample[]> {
  const ws = await mkdtemp(join(tmpdir(), 'oauth-probe-docs-'));
  try {
    const samples: Sample[] = [];
    samples.push(...(await playgroundSamples(ws)));
    samples.push(...(await offlineSamples(ws)));
    samples.push(...(await awsMockedSamples()));
    samples.push(...(await demoSamples()));
    samples.push(...(await faultSamples()));
    samples.push({ name: 'alarm-severities', lang: MARKDOWN, text: alarmSeverityTable(), commands: [] });
    samples.push({ name: 'cost-examples', lang: MARKDOWN, text: costExamplesTable(), commands: [] });
    samples.push({ name: 'cost-lean-breakdown', lang: MARKDOWN, text: leanBreakdownTable(), commands: [] });
    samples.push({ name: 'notification-subjects', lang: MARKDOWN, text: subjectsTable(), commands: [] });
    return samples;
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

async function playgroundSamples(ws: string): Promise<Sample[]> {
  const env = await startLocalEnvironment();
  try {
    const ports = new Map([
      [Number(new URL(env.authServer.issuer).port), SAMPLE_PORTS[0]],
      [Number(new URL(env.resourceServer.url).port), SAMPLE_PORTS[1]],
    ]);
    const norm: TextNormaliser = { ports, paths: [[ws, SAMPLE_CLONE]] };
    const n = (text: string) => normaliseText(text, norm);
    const samples: Sample[] = [];
    const add = (name: string, text: string, commands: string[], lang = '') =>
      samples.push({ name, lang, text: n(text), commands: commands.map(n) });

    // `oauth-probe local --dir playground`, run from the clone, and the command it prints.
    await mkdir(join(ws, 'playground'));
    const files = await writePlayground(env, join(ws, 'playground'), false, true);
    const localCommand = 'npx oauth-probe local --dir playground';
    add('local', shown(localCommand, describePlayground(env, files, 'npx oauth-probe')), [localCommand]);
    const printedRun = `npx oauth-probe run --config ${files.config} --secrets ${files.secrets}`;
    add('local-run', shown(printedRun, (await runSample(printedRun, ws, 0)).text), [printedRun]);

    // The README's headline: a rotated secret, as a probe named billing-api reads it.
    const fixedTimes = (text: string) => normaliseText(text, { ...norm, keepTimes: true });
    samples.push(...(await headlineSamples(ws, env.probe('client_secret_basic'), fixedTimes)));

    // Two edits make two failures: a step that needs billing:write, and a stale secret for local-post.
    const config = JSON.parse(await readFile(files.config, 'utf8')) as { probes: { name: string; steps: unknown[] }[] };
    const step = JSON.parse(JSON.stringify(CREATE_INVOICE_STEP).replace('{API}', env.resourceServer.url));
    config.probes.find((p) => p.name === 'local-basic')?.steps.push(step);
    await writeFile(files.config, JSON.stringify(config, null, 2));
    const secrets = JSON.parse(await readFile(files.secrets, 'utf8')) as Record<string, Record<string, string>>;
    secrets['local/post'] = { ...secrets['local/post'], client_secret: WRONG_SECRET };
    await writeFile(files.secrets, JSON.stringify(secrets, null, 2));
    add('create-invoice-step', `${JSON.stringify(step, null, 2)}\n`, [], 'json');

    const base = 'npx oauth-probe run -c playground/probes.json -s playground/local-secrets.json';
    const failing = `${base} --probe local-basic --probe local-post`;
    const verbose = `${base} --probe local-jwt --verbose`;
    const human = [
      shown(failing, (await runSample(failing, ws, 1)).text),
      shown(verbose, (await runSample(verbose, ws, 0)).text),
    ];
    add('run-human', human.join('\n'), [failing, verbose]);
    const json = `${base} --probe local-post --json`;
    add('run-json', shown(json, await jsonSample(json, ws, 1)), [json]);
    const junit = `${base} --reporter junit`;
    const all = await runSample(junit.replace(' --reporter junit', ''), ws, 1);
    const xml = formatJunit(all.results, {
      durationMs: Math.max(...all.results.map((r) => r.durationMs)) + 3,
      timestamp: SAMPLE_STARTED_AT,
    });
    add('run-junit', xml, [`${junit} > oauth-probe-junit.xml`], 'xml');

    // token.reuse on local-jwt (the playground's tokens live 300 s: 240 s of reuse, then 60 s to spare),
    // and three rounds in one process: the second and third send no token request.
    const reusing = JSON.parse(await readFile(files.config, 'utf8')) as { probes: { name: string; token?: object }[] };
    const jwtProbe = reusing.probes.find((p) => p.name === 'local-jwt');
    if (jwtProbe) jwtProbe.token = { ...jwtProbe.token, reuse: { maxAgeSec: 240 } };
    await writeFile(files.config, JSON.stringify(reusing, null, 2));
    const repeat = `${base} --probe local-jwt --repeat 3 --every 0`;
    add('run-repeat', shown(repeat, await repeatSample(repeat, ws)), [repeat]);

    // `init` from the playground's issuer (discovery), into an empty folder.
    const issuer = `npx oauth-probe init --issuer ${env.authServer.issuer} --name billing-api --region us-east-1`;
    const initDir = await mkdtemp(join(ws, 'init-'));
    const init = expectCode(issuer, await cli(argvOf(issuer), initDir), 0);
    add('init', shown(issuer, init.stdout + init.stderr), [issuer]);
    return samples;
  } finally {
    await env.close();
  }
}

/** README's first lines and docs/runtime.md's notification: billing-api's client secret was rotated. */
async function headlineSamples(
  ws: string,
  local: ReturnType<Awaited<ReturnType<typeof startLocalEnvironment>>['probe']>,
  n: (text: string) => string,
): Promise<Sample[]> {
  const config = { probes: [{ ...local, name: 'billing-api', credentials: { secretId: 'oauth-probe/billing' } }] };
  await writeFile(join(ws, 'billing.json'), JSON.stringify(config));
  await writeFile(
    join(ws, 'billing-secrets.json'),
    JSON.stringify({ 'oauth-probe/billing': { client_id: 'probe-basic', client_secret: WRONG_SECRET } }),
  );
  const { results, text } = await runSample('npx oauth-probe run -c billing.json -s billing-secrets.json', ws, 1);
  const headline = text.split('\n').filter((line) => /^FAIL|^\s+hint/.test(line));
  const example = JSON.parse(await readFile(join(REPO, 'probes.json'), 'utf8')) as {
    probes: { name: string; runbookUrl?: string; owner?: string }[];
  };
  const billing = example.probes.find((p) => p.name === 'billing-api');
  const notification = failureNotification(results[0]!, {
    at: new Date(Date.parse(SAMPLE_STARTED_AT) + 90_000),
    lastGoodRun: new Date(Date.parse(SAMPLE_STARTED_AT) - 7 * 60_000).toISOString(),
    ...(billing?.runbookUrl ? { runbookUrl: billing.runbookUrl } : {}),
    ...(billing?.owner ? { owner: billing.owner } : {}),
    probeLogGroup: '/aws/lambda/OAuthProbe-eu-west-1-ProbeFunction',
    account: '123456789012',
  });
  return [
    { name: 'readme-headline', lang: '', text: n(`${headline.join('\n')}\n`), commands: [] },
    { name: 'notification-email', lang: '', text: n(emailText(notification)), commands: [] },
    {
      name: 'notification-json',
      lang: 'json',
      text: n(`${JSON.stringify(notification.document, null, 2)}\n`),
      commands: [],
    },
  ];
}

/** The commands that need no server: help, validate, cost and notify-preview on the repository's probes.json. */
async function offlineSamples(ws: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const inRepo = async (name: string, command: string, code = 0, cwd = REPO) => {
    const outcome = expectCode(command, await cli(argvOf(command), cwd), code);
    samples.push({ name, lang: '', text: shown(command, outcome.stdout + outcome.stderr), commands: [command] });
    return outcome;
  };
  await inRepo('help', 'npx oauth-probe --help');
  await writeFile(join(ws, 'bad.json'), `${JSON.stringify(BAD_CONFIG, null, 2)}\n`);
  samples.push({
    name: 'validate-bad-config',
    lang: 'json',
    text: `${JSON.stringify(BAD_CONFIG, null, 2)}\n`,
    commands: [],
  });
  await inRepo('validate-bad', 'npx oauth-probe validate --config bad.json', 2, ws);
  await inRepo('validate', 'npx oauth-probe validate');
  await inRepo('cost', 'npx oauth-probe cost');
  const detail = await cli(['cost', '--detail'], REPO);
  const block = /^billing-api in eu-west-1 [\s\S]*?\n\n/m.exec(detail.stdout)?.[0];
  if (!block) throw new Error('cost --detail printed no block for billing-api in eu-west-1');
  // From the prices on: the prices with their dates, every assumption and the capacity.
  const tail = detail.stdout.slice(detail.stdout.indexOf('Prices assumed'));
  if (!tail.startsWith('Prices assumed')) throw new Error('cost --detail printed no prices');
  samples.push({
    name: 'cost-detail',
    lang: '',
    text: shown('npx oauth-probe cost --detail', `...\n${block}...\n\n${tail}`),
    commands: ['npx oauth-probe cost --detail'],
  });
  samples.push(await identityProvidersSample(ws));
  await inRepo('notify-preview', 'npx oauth-probe notify-preview --probe billing-api --code invalid_client');
  await inRepo(
    'notify-preview-teams-ok',
    'npx oauth-probe notify-preview --probe partner-sync --channel teams --state OK',
  );
  // A Chatbot target added to the example (the example has none).
  const example = JSON.parse(await readFile(join(REPO, 'probes.json'), 'utf8'));
  example.$schema = undefined;
  example.notifications.targets.chat = { chatbot: {} };
  example.notifications.critical.targets.push('chat');
  await writeFile(join(ws, 'chat.json'), JSON.stringify(example, null, 2));
  await inRepo(
    'notify-preview-chatbot',
    'npx oauth-probe notify-preview -c chat.json --probe billing-api --channel chatbot',
    0,
    ws,
  );
  for (const command of ['notify-preview', 'mute', 'unmute']) {
    const help = await cli([command, '--help'], REPO);
    samples.push({
      name: `${command}-help`,
      lang: '',
      text: shown(`npx oauth-probe ${command} --help`, help.stdout),
      commands: [`npx oauth-probe ${command} --help`],
    });
  }
  return samples;
}

/** `mute` and `unmute`, and `alert-test`: their AWS calls answered by aws-sdk-client-mock. */
async function awsMockedSamples(): Promise<Sample[]> {
  return [...(await muteSamples()), await alertTestSample()];
}

/**
 * `alert-test` on the example probes.json, where eu-west-1's notifier logs its published line on the
 * third look (6 s) and us-east-1's never does; the waiting runs on a fake clock.
 */
async function alertTestSample(): Promise<Sample> {
  const cloudWatch = mockClient(CloudWatchClient);
  const logs = mockClient(CloudWatchLogsClient);
  let clock = Date.parse(SAMPLE_STARTED_AT);
  let looks = 0;
  cloudWatch.on(SetAlarmStateCommand).resolves({});
  // The log group CloudFormation names in each region's stack.
  logs.on(DescribeLogGroupsCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    return { logGroups: [{ logGroupName: `OAuthProbe-${region}-NotifierFunctionLogGroupAB12-xyz` }] };
  });
  logs.on(FilterLogEventsCommand).callsFake((input: { filterPattern?: string }) => {
    if (!input.filterPattern?.includes('-eu-west-1-')) return { events: [] };
    looks += 1;
    return looks < 3
      ? { events: [] }
      : { events: [{ timestamp: clock, message: '{"event":"notification_published"}' }] };
  });
  try {
    let stdout = '';
    const io: Io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env: {},
      cwd: REPO,
    };
    const command = 'npx oauth-probe alert-test';
    const code = await alertTestCommand({
      cloudWatch: (region) => new CloudWatchClient({ region }),
      logs: (region) => new CloudWatchLogsClient({ region }),
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    }).run(argvOf(command).slice(1), io);
    expectCode(command, { code, stdout, stderr: '' }, 1);
    return { name: 'alert-test', lang: '', text: shown(command, stdout), commands: [command] };
  } finally {
    cloudWatch.restore();
    logs.restore();
  }
}

async function muteSamples(): Promise<Sample[]> {
  const cloudWatch = mockClient(CloudWatchClient);
  cloudWatch.on(PutAlarmMuteRuleCommand).resolves({});
  cloudWatch.on(DeleteAlarmMuteRuleCommand).resolves({});
  try {
    const mute = 'npx oauth-probe mute --probe billing-api --for 2h --reason "rotating the client secret"';
    const unmute = 'npx oauth-probe unmute --probe billing-api';
    const muted = expectCode(mute, await cli(argvOf(mute), REPO), 0);
    const unmuted = expectCode(unmute, await cli(argvOf(unmute), REPO), 0);
    // `until` is this minute + 2 h: shown from the samples' fixed start time.
    const until = new Date(Date.parse(SAMPLE_STARTED_AT) + 2 * 3_600_000).toISOString();
    const text = `${shown(mute, muted.stdout)}${shown(unmute, unmuted.stdout)}`.replace(
      /until \S+Z$/gm,
      `until ${until}`,
    );
    return [{ name: 'mute', lang: '', text, commands: [mute, unmute] }];
  } finally {
    cloudWatch.restore();
  }
}

/** `npm run demo:ci` in full (docs/cli.md), and its first scenario (README). */
async function demoSamples(): Promise<Sample[]> {
  let output = '';
  const io: Io = {
    stdout: { write: (text: string) => (output += text) },
    stderr: { write: () => true },
    env: {},
    cwd: REPO,
  };
  const view = demoView(io, true);
  const asExpected = await runDemo(
    { ci: true },
    { ...view, formatResult: (result, width, detailed) => view.formatResult(normaliseResult(result), width, detailed) },
  );
  if (!asExpected) throw new Error(`the demo did not diagnose every scenario as expected:\n${output}`);
  const port = (label: string) => Number(new RegExp(`${label}\\s+https://127\\.0\\.0\\.1:(\\d+)`).exec(output)?.[1]);
  const ports = new Map([
    [port('authorization server'), SAMPLE_PORTS[0]],
    [port('protected API'), SAMPLE_PORTS[1]],
  ]);
  // The notification quotes the measured token and total time of the failed run.
  const text = normaliseText(output, { ports }).replace(
    /^(\s+Latency:\s+)token \d+ ms, total \d+ ms$/m,
    '$1token 11 ms, total 13 ms',
  );
  const lines = text.split('\n');
  const second = lines.findIndex((line) => line.startsWith('2/'));
  const tally = lines.find((line) => /^✓ \d+\/\d+ failures diagnosed/.test(line));
  if (second < 0 || !tally) throw new Error(`unexpected demo output:\n${text}`);
  const excerpt = [
    ...lines.slice(0, second),
    '... 2/5 to 5/5: a scope missing from the grant, a slow authorization server, a key rotation the API missed,',
    '    the API down (the whole run: docs/cli.md, "demo") ...',
    '',
    tally,
  ].join('\n');
  return [
    {
      name: 'demo-ci',
      lang: '',
      text: shown('npx oauth-probe demo --ci', text.replace(/\n+$/, '\n')),
      commands: ['npx oauth-probe demo --ci'],
    },
    { name: 'demo-excerpt', lang: '', text: `${excerpt}\n`, commands: [] },
  ];
}

/**
 * `cost --json`'s identityProviders for the example, then with `token.reuse: { maxAgeSec: 3600 }` on
 * billing-api: the token requests a month its authorization server gets, without and with reuse.
 */
async function identityProvidersSample(ws: string): Promise<Sample> {
  const example = JSON.parse(await readFile(join(REPO, 'probes.json'), 'utf8'));
  example.$schema = undefined;
  const billing = example.probes.find((p: { name: string }) => p.name === 'billing-api');
  billing.token = { ...billing.token, reuse: { maxAgeSec: 3600 } };
  await writeFile(join(ws, 'reuse.json'), JSON.stringify(example, null, 2));
  const providers = async (argv: string[], cwd: string) => {
    const outcome = expectCode(argv.join(' '), await cli(argv, cwd), 0);
    return JSON.stringify(JSON.parse(outcome.stdout).identityProviders, null, 2);
  };
  const without = await providers(['cost', '--json'], REPO);
  const withReuse = await providers(['cost', '--json', '-c', 'reuse.json'], ws);
  return {
    name: 'cost-identity-providers',
    lang: '',
    text: `$ npx oauth-probe cost --json\n  "identityProviders": ${withIndent(without)},\n\n# billing-api with "token": { "reuse": { "maxAgeSec": 3600 } }\n$ npx oauth-probe cost --json -c reuse.json\n  "identityProviders": ${withIndent(withReuse)},\n`,
    commands: ['npx oauth-probe cost --json', 'npx oauth-probe cost --json -c reuse.json'],
  };
}

/** A JSON block indented as a property of the object it belongs to. */
function withIndent(json: string): string {
  return json.replace(/\n/g, '\n  ');
}
