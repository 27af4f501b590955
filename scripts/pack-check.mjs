#!/usr/bin/env node
/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty directory with its own
 * package.json, and there (1) run `npx oauth-probe --version` and `validate` on a sample config,
 * (2) when the package exports the construct library (`oauth-probe/cdk`), synthesize a small user CDK
 * app that imports it, offline, with no AWS credentials. Prints the package size and install time.
 *
 * Dependencies come from the npm cache where possible (`--prefer-offline`); the CDK app's own
 * dependencies (aws-cdk-lib, constructs, esbuild) are pinned to this repository's versions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const lockedVersion = (name) => lock.packages[`node_modules/${name}`].version;
const work = mkdtempSync(join(tmpdir(), 'oauth-probe-pack-'));
const keep = process.argv.includes('--keep');

/** What a user's CDK app has next to oauth-probe: the optional peer dependencies of oauth-probe/cdk. */
const CDK_APP_DEPENDENCIES = Object.keys(pkg.peerDependencies ?? {});

/** A user's CDK app: the construct library's stacks helper, two named deployments side by side. */
const USER_APP = `import { App } from 'aws-cdk-lib';
import * as probes from 'oauth-probe/cdk';

if (typeof probes.addOAuthProbeStacks !== 'function') {
  console.error('oauth-probe/cdk exports no addOAuthProbeStacks (exports: ' + Object.keys(probes).join(', ') + ')');
  process.exit(1);
}
const app = new App({ outdir: 'cdk.out' });
probes.addOAuthProbeStacks(app, { config: 'probes.json', name: 'staging' });
probes.addOAuthProbeStacks(app, { config: 'probes.json', name: 'production' });
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

try {
  step('npm pack');
  const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // The lifecycle scripts (prepack, prepare) print to stdout before npm's JSON.
  const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m)))[0];
  const tarball = join(work, packed.filename);
  const exported = (subpath) => packed.files.some((f) => f.path === pkg.exports[subpath].default.replace('./', ''));
  const hasCdk = exported('./cdk');
  for (const subpath of Object.keys(pkg.exports)) {
    const target = pkg.exports[subpath];
    const files = typeof target === 'string' ? [target] : [target.default, target.types];
    const missing = files.filter((f) => !packed.files.some((p) => p.path === f.replace('./', '')));
    // ./cdk is the construct library's front door; tolerated until lib/index.ts exists.
    if (missing.length > 0 && !(subpath === './cdk' && !existsSync(join(ROOT, 'lib/index.ts')))) {
      throw new Error(`export ${subpath} points at files missing from the package: ${missing.join(', ')}`);
    }
  }
  const leaked = packed.files.filter((f) => /^(test|bench|\.ci|cdk\.out)\/|local-secrets|\.env/.test(f.path));
  if (leaked.length > 0) throw new Error(`files that must not ship: ${leaked.map((f) => f.path).join(', ')}`);

  step('install the tarball into an empty project');
  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  const devDeps = hasCdk ? Object.fromEntries(CDK_APP_DEPENDENCIES.map((name) => [name, lockedVersion(name)])) : {};
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'user-app',
        private: true,
        type: 'module',
        dependencies: { 'oauth-probe': `file:${tarball}` },
        devDependencies: devDeps,
      },
      null,
      2,
    ),
  );
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: app,
  });

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
  const engine = run(
    'node',
    [
      '--input-type=module',
      '-e',
      "const e = await import('oauth-probe'); const c = await import('oauth-probe/config'); if (typeof e.runProbe !== 'function' || !c.configSchema) process.exit(1);",
    ],
    { cwd: app },
  );
  void engine;

  let synthMs;
  if (hasCdk) {
    step('synthesize a user CDK app that imports oauth-probe/cdk, offline');
    writeFileSync(join(app, 'synth.mjs'), USER_APP);
    const synth = run('node', ['synth.mjs'], {
      cwd: app,
      // CDK_VALIDATION=false: aws-cdk-lib's built-in CloudFormation validation only warns (it cannot fail
      // this check) and takes some 5 s of CPU to start; `npm run synth` runs it on the example app.
      env: {
        AWS_ACCESS_KEY_ID: '',
        AWS_PROFILE: '',
        CDK_DEFAULT_ACCOUNT: '',
        CDK_DEFAULT_REGION: '',
        CDK_VALIDATION: 'false',
      },
    });
    synthMs = synth.ms;
    process.stdout.write(synth.stdout);
  } else {
    step('skipped the CDK app: the package has no oauth-probe/cdk export yet (lib/index.ts)');
  }

  const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
  const installedMb =
    Number(execFileSync('du', ['-sk', join(app, 'node_modules/oauth-probe')], { encoding: 'utf8' }).split('\t')[0]) *
    1024;
  process.stdout.write(
    `pack-check: ok; package ${mb(statSync(tarball).size)} packed, ${mb(packed.unpackedSize)} unpacked, ${packed.entryCount} files; ` +
      `installed in ${(install.ms / 1000).toFixed(1)} s (oauth-probe itself ${mb(installedMb)} on disk); ` +
      `--version ${Math.round(version.ms)} ms via npx${synthMs ? `; user CDK app synthesized in ${(synthMs / 1000).toFixed(1)} s` : ''}\n`,
  );
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`pack-check: kept ${work}\n`);
}
