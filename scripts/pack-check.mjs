#!/usr/bin/env node
/**
 * The package as a user gets it, checked before it is published:
 *
 * 1. `npm pack` (prepack builds dist/: JavaScript, types and the prebuilt Lambda bundles), then the
 *    tarball itself: every `exports` target and the three bundles are in it, no test, bench, CI or
 *    build-script file, no lifecycle script npm would run (or flag) in a user's install;
 *    `npm publish <tarball> --dry-run` passes with no warning but the dry run's "not logged in".
 * 2. An empty project installs what a platform team installs: the tarball, `aws-cdk-lib` and `constructs`
 *    (this repository's versions), nothing else: no esbuild, no cdk-nag, and no Docker (`CDK_DOCKER`
 *    points at nothing); npm prints no warning about the package.
 * 3. There: `npx oauth-probe --version`, `validate` on the example config; every value docs/deploy.md
 *    documents (its public-api table) imported from the packed entry points, and every documented type
 *    type-checked against the packed declarations (this repository's tsc).
 * 4. A user CDK app synthesizes offline, with no AWS credentials: two named deployments (one with
 *    `addOAuthProbeStacks` and `forRegion`, one with `OAuthProbes` in the user's own stack), its own alarm
 *    actions and topic, and an `IVpc` with subnets and a security group; then the same app from another
 *    folder, which must give the same code asset hashes (the prebuilt bundles).
 *
 * Prints the package size, the install time and the user app's synth time.
 * Usage: node scripts/pack-check.mjs [--keep]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_DOC, documentedApi, exportKey } from './public-api.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const lockedVersion = (name) => lock.packages[`node_modules/${name}`].version;
const work = mkdtempSync(join(tmpdir(), 'oauth-probe-pack-'));
const keep = process.argv.includes('--keep');

/** What a platform team installs beside the package: the two peers of oauth-probe/cdk. */
const PEERS = ['aws-cdk-lib', 'constructs'];
/** What must not be there: the user's synth needs none of them. */
const ABSENT = ['esbuild', 'cdk-nag'];
/** Lifecycle scripts npm runs (or, npm 11, lists as install scripts) in an app that installs the package. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];
const LAMBDA_ROLES = ['probe', 'notifier', 'watchdog'];

/** A user's CDK app: two named deployments, its own alarm actions and topic, an IVpc. */
const USER_APP = `import { App, Stack } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { addOAuthProbeStacks, OAuthProbes } from 'oauth-probe/cdk';

const app = new App({ outdir: 'cdk.out' });
const vpcIn = (stack, region) =>
  ec2.Vpc.fromVpcAttributes(stack, 'PlatformVpc', {
    vpcId: 'vpc-0abc1234',
    availabilityZones: [region + 'a', region + 'b'],
    privateSubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
  });

// Deployment "staging": one stack per region; the VPC and the pager topic made in each region's stack.
addOAuthProbeStacks(app, {
  config: 'probes.json',
  name: 'staging',
  forRegion: (stack, region) => ({
    vpc: vpcIn(stack, region),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    alarmActions: [new cwActions.SnsAction(new sns.Topic(stack, 'Pager'))],
  }),
});

// Deployment "production": its home region inside the platform team's own stack.
const platform = new Stack(app, 'PlatformMonitoring', { env: { region: 'eu-west-1' } });
const vpc = vpcIn(platform, 'eu-west-1');
new OAuthProbes(platform, 'OAuthProbes', {
  config: 'probes.json',
  name: 'production',
  alarmTopic: new sns.Topic(platform, 'TeamAlarms'),
  vpc,
  securityGroups: [new ec2.SecurityGroup(platform, 'ProbeEgress', { vpc, description: 'oauth-probe egress' })],
  reservedConcurrency: 'auto',
});

const assembly = app.synth();
console.log('synthesized ' + assembly.stacks.map((s) => s.stackName).join(', '));
`;

function step(title) {
  process.stdout.write(`== pack-check: ${title}\n`);
}

function run(command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...options.env },
    cwd: options.cwd ?? work,
  });
  const ms = performance.now() - started;
  if (result.status !== (options.expect ?? 0)) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} exited ${result.status} (expected ${options.expect ?? 0})`);
  }
  return { ...result, ms };
}

/** npm's warnings and errors in `text`, but the dry run's own "not logged in". */
function npmWarnings(text) {
  return text
    .split('\n')
    .filter((line) => /^npm (warn|error)/i.test(line))
    .filter((line) => !/requires you to be logged in .*\(dry-run\)/.test(line));
}

/** Code assets (S3 keys of Lambda functions and layers) of every template in an assembly, sorted. */
function codeAssets(assemblyDir) {
  const keys = [];
  for (const file of readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(assemblyDir, file), 'utf8'));
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const key = resource.Properties?.Code?.S3Key;
      if (typeof key === 'string') keys.push(`${resource.Properties.Description ?? ''}: ${key}`);
    }
  }
  return [...new Set(keys)].sort();
}

try {
  step('npm pack');
  const packStarted = performance.now();
  const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const packMs = performance.now() - packStarted;
  // The lifecycle script (prepack) prints to stdout before npm's JSON.
  const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m)))[0];
  const tarball = join(work, packed.filename);
  const inPackage = (file) => packed.files.some((f) => f.path === file.replace(/^\.\//, ''));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const files = typeof target === 'string' ? [target] : [target.default, target.types];
    const missing = files.filter((f) => !inPackage(f));
    if (missing.length > 0) throw new Error(`export ${subpath} points at files missing from the package: ${missing}`);
  }
  const bundles = LAMBDA_ROLES.map((role) => `dist/lambda/${role}/index.mjs`).filter((f) => !inPackage(f));
  if (bundles.length > 0) throw new Error(`prebuilt Lambda bundles missing from the package: ${bundles}`);
  const leaked = packed.files.filter((f) =>
    /^(test|bench|scripts|\.ci|cdk\.out)\/|\.test\.|__snapshots__|local-secrets|\.env/.test(f.path),
  );
  if (leaked.length > 0) throw new Error(`files that must not ship: ${leaked.map((f) => f.path).join(', ')}`);
  const lifecycle = INSTALL_SCRIPTS.filter((name) => pkg.scripts?.[name] !== undefined);
  if (lifecycle.length > 0) {
    throw new Error(`package.json has ${lifecycle} scripts: npm runs or flags them in every app that installs it`);
  }
  if (pkg.private) throw new Error('package.json says "private": the package cannot be published');

  step('npm publish --dry-run (the tarball)');
  const publish = run('npm', ['publish', tarball, '--dry-run'], { cwd: work });
  const publishWarnings = npmWarnings(`${publish.stdout}\n${publish.stderr}`);
  if (publishWarnings.length > 0) throw new Error(`npm publish --dry-run warns:\n${publishWarnings.join('\n')}`);

  step(`install the tarball, ${PEERS.join(' and ')} into an empty project (nothing else)`);
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'user-app',
        private: true,
        type: 'module',
        dependencies: {
          'oauth-probe': `file:${tarball}`,
          ...Object.fromEntries(PEERS.map((name) => [name, lockedVersion(name)])),
        },
      },
      null,
      2,
    ),
  );
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app });
  const installWarnings = npmWarnings(`${install.stdout}\n${install.stderr}`).filter((l) => /oauth-probe/.test(l));
  if (installWarnings.length > 0) throw new Error(`npm warns about the package:\n${installWarnings.join('\n')}`);
  const present = ABSENT.filter((name) => existsSync(join(app, 'node_modules', name)));
  if (present.length > 0) throw new Error(`the install brought ${present}: the user app must not need them`);

  step('npx oauth-probe --version, validate');
  const version = run('npx', ['--no-install', 'oauth-probe', '--version'], { cwd: app });
  if (version.stdout.trim() !== pkg.version)
    throw new Error(`--version printed '${version.stdout.trim()}', expected ${pkg.version}`);
  writeFileSync(join(app, 'probes.json'), readFileSync(join(ROOT, 'probes.json')));
  run('npx', ['--no-install', 'oauth-probe', 'validate', '--config', 'probes.json'], { cwd: app });
  const bad = run('npx', ['--no-install', 'oauth-probe', 'validate', '--config', 'missing.json'], {
    cwd: app,
    expect: 2,
  });
  if (/\n\s+at /.test(bad.stderr)) throw new Error('validate printed a stack trace');
  const demo = run('npx', ['--no-install', 'oauth-probe', 'demo'], { cwd: app, expect: 2 });
  if (!demo.stderr.includes('run it from a clone')) throw new Error(`demo outside a clone: ${demo.stderr}`);

  step('the documented public API, imported and type-checked from the packed package');
  const api = documentedApi(readFileSync(join(ROOT, API_DOC), 'utf8'));
  const undocumented = Object.keys(pkg.exports).filter(
    (key) => key !== './package.json' && !api.some((entry) => exportKey(entry.specifier) === key),
  );
  if (undocumented.length > 0)
    throw new Error(`exports the public-api table of ${API_DOC} does not list: ${undocumented}`);
  const imports = api.map((entry) =>
    entry.specifier.endsWith('.json')
      ? `await import(${JSON.stringify(entry.specifier)}, { with: { type: 'json' } });`
      : `{ const m = await import(${JSON.stringify(entry.specifier)}); for (const name of ${JSON.stringify(entry.values)}) if (m[name] === undefined) missing.push(${JSON.stringify(entry.specifier)} + ': ' + name); }`,
  );
  writeFileSync(
    join(app, 'api.mjs'),
    `const missing = [];\n${imports.join('\n')}\nif (missing.length > 0) { console.error('not exported: ' + missing.join(', ')); process.exit(1); }\n`,
  );
  run('node', ['api.mjs'], { cwd: app });
  const typeImports = api
    .filter((entry) => !entry.specifier.endsWith('.json'))
    .map(
      (entry, i) =>
        `import type { ${[...entry.values.map((v) => `${v} as v${i}_${v}`), ...entry.types.map((t) => `${t} as t${i}_${t}`)].join(', ')} } from ${JSON.stringify(entry.specifier)};`,
    );
  const typeUses = api
    .filter((entry) => !entry.specifier.endsWith('.json'))
    .flatMap((entry, i) => entry.types.map((t) => `export type U${i}_${t} = t${i}_${t};`));
  writeFileSync(
    join(app, 'api-types.ts'),
    `${typeImports.join('\n')}\n${typeUses.join('\n')}\n` +
      // What a caller of runProbe writes: a resolved probe from the config, a result.
      "import type { ProbeResult, ResolvedProbe } from 'oauth-probe';\n" +
      "import { loadConfigFile, resolveProbes, runProbe } from 'oauth-probe';\n" +
      'export async function first(secrets: Parameters<typeof runProbe>[1]): Promise<ProbeResult> {\n' +
      "  const probe: ResolvedProbe = resolveProbes(await loadConfigFile('probes.json'))[0]!;\n" +
      '  return runProbe(probe, secrets);\n}\n',
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['api-types.ts'],
    }),
  );
  run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app });

  // cdk-nag only when asked for: oauth-probe/cdk/nag loads without it, and applyNag names the fix.
  writeFileSync(
    join(app, 'nag.mjs'),
    "import { App } from 'aws-cdk-lib';\nimport { applyNag } from 'oauth-probe/cdk/nag';\n" +
      'try { applyNag(new App()); } catch (error) { console.log(error.message); process.exit(0); }\nprocess.exit(1);\n',
  );
  const nag = run('node', ['nag.mjs'], { cwd: app });
  if (!nag.stdout.includes('npm install --save-dev cdk-nag'))
    throw new Error(`applyNag without cdk-nag: ${nag.stdout}`);

  step('synthesize a user CDK app offline: no esbuild, no cdk-nag, no Docker, no AWS credentials');
  writeFileSync(join(app, 'synth.mjs'), USER_APP);
  const offline = {
    AWS_ACCESS_KEY_ID: '',
    AWS_PROFILE: '',
    CDK_DEFAULT_ACCOUNT: '',
    CDK_DEFAULT_REGION: '',
    // Any attempt to bundle in a container fails loudly instead of finding a Docker on this machine.
    CDK_DOCKER: join(work, 'no-docker'),
    // aws-cdk-lib's built-in CloudFormation validation only warns (it cannot fail this check) and takes
    // some 5 s of CPU to start; `npm run synth` runs it on the example app.
    CDK_VALIDATION: 'false',
  };
  const synth = run('node', ['synth.mjs'], { cwd: app, env: offline });
  process.stdout.write(synth.stdout);
  const assembly = join(app, 'cdk.out');
  const manifest = readFileSync(join(assembly, 'manifest.json'), 'utf8');
  for (const stack of ['staging-eu-west-1', 'staging-us-east-1', 'PlatformMonitoring']) {
    if (!manifest.includes(`"${stack}"`)) throw new Error(`the user app has no stack ${stack}`);
  }
  const templates = readdirSync(assembly)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => readFileSync(join(assembly, f), 'utf8'))
    .join('\n');
  for (const [what, pattern] of [
    ['the probe function in the IVpc', /"SubnetIds":\s*\[\s*"subnet-0aaa1111",\s*"subnet-0bbb2222"\s*\]/],
    ["the team's alarm topic on an alarm", /"AlarmActions":\s*\[[^\]]*TeamAlarms/],
    ["the team's pager action on an alarm", /"AlarmActions":\s*\[[^\]]*Pager/],
    ['the reservation of "auto"', /"ReservedConcurrentExecutions":\s*5/],
  ]) {
    if (!pattern.test(templates)) throw new Error(`the synthesized templates lack ${what}`);
  }
  const assets = codeAssets(assembly);
  if (assets.length === 0) throw new Error('no Lambda code asset in the user app');
  // Every staged function bundle is one of the package's prebuilt bundles, byte for byte: nothing was bundled.
  const prebuilt = new Set(
    LAMBDA_ROLES.map((role) =>
      readFileSync(join(app, 'node_modules/oauth-probe/dist/lambda', role, 'index.mjs'), 'utf8'),
    ),
  );
  const staged = readdirSync(assembly).filter(
    (d) => d.startsWith('asset.') && existsSync(join(assembly, d, 'index.mjs')),
  );
  const rebuilt = staged.filter((d) => !prebuilt.has(readFileSync(join(assembly, d, 'index.mjs'), 'utf8')));
  if (staged.length === 0 || rebuilt.length > 0) {
    throw new Error(`function code not taken from the prebuilt bundles: ${rebuilt.join(', ') || 'none staged'}`);
  }

  step('the same app from another folder: the same code asset hashes');
  const elsewhere = join(work, 'elsewhere', 'app');
  cpSync(app, elsewhere, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.endsWith('cdk.out') });
  run('node', ['synth.mjs'], { cwd: elsewhere, env: offline });
  const again = codeAssets(join(elsewhere, 'cdk.out'));
  if (JSON.stringify(again) !== JSON.stringify(assets)) {
    throw new Error(`code asset hashes differ between folders:\n${assets.join('\n')}\n---\n${again.join('\n')}`);
  }

  const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
  const installedMb =
    Number(execFileSync('du', ['-sk', join(app, 'node_modules/oauth-probe')], { encoding: 'utf8' }).split('\t')[0]) *
    1024;
  process.stdout.write(
    `pack-check: ok; package ${mb(statSync(tarball).size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files (packed in ${(packMs / 1000).toFixed(1)} s); ` +
      `installed with ${PEERS.join(' and ')} in ${(install.ms / 1000).toFixed(1)} s (oauth-probe itself ${mb(installedMb)} on disk); ` +
      `--version ${Math.round(version.ms)} ms via npx; user CDK app synthesized in ${(synth.ms / 1000).toFixed(1)} s ` +
      `(${staged.length} prebuilt code assets, the same hashes from another folder)\n`,
  );
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`pack-check: kept ${work}\n`);
}
