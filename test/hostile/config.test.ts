/**
 * A careless config is exit 2 naming the field, never a silent pass: each case below passed `validate`
 * (or said the wrong thing) before.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../tools/cli/helpers.js';

const ACCOUNT = '111122223333';
const BROKEN_PEM = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';

const base = () => ({
  name: 'p',
  tokenUrl: 'https://auth.example.test/token',
  credentials: { secretId: 's' },
  steps: [{ name: 'one', request: { url: 'https://api.example.test/x' } }] as Record<string, unknown>[],
});

const CASES: [string, Record<string, unknown>, string, RegExp][] = [
  [
    'a step named token',
    { steps: [{ name: 'token', request: { url: 'https://api.example.test/x' } }] },
    'probes[0].steps[0].name',
    /own exchanges/,
  ],
  [
    'a step named jwks',
    { steps: [{ name: 'jwks', request: { url: 'https://api.example.test/x' } }] },
    'probes[0].steps[0].name',
    /own exchanges/,
  ],
  ...['discovery', 'introspection', 'Token'].map((name): [string, Record<string, unknown>, string, RegExp] => [
    `a step named ${name}`,
    { steps: [{ name, request: { url: 'https://api.example.test/x' } }] },
    'probes[0].steps[0].name',
    /"token", "jwks", "discovery", "introspection" are the probe's own exchanges/,
  ]),
  [
    'a CRLF in a header name',
    { steps: [{ name: 'one', request: { url: 'https://api.example.test/x', headers: { 'x-a\r\nx-b': '1' } } }] },
    'probes[0].steps[0].request.headers',
    /RFC 9110 token/,
  ],
  [
    'a CRLF in a header value',
    { steps: [{ name: 'one', request: { url: 'https://api.example.test/x', headers: { 'x-a': '1\r\nx-b: 2' } } }] },
    'probes[0].steps[0].request.headers',
    /CR, LF/,
  ],
  [
    'an invalid matches regex',
    {
      steps: [
        {
          name: 'one',
          request: { url: 'https://api.example.test/x' },
          expect: { json: [{ path: 'a', matches: '([a-' }] },
        },
      ],
    },
    'probes[0].steps[0].expect.json[0].matches',
    /regular expression/,
  ],
  ['tokenParams.grant_type', { tokenParams: { grant_type: 'password' } }, 'probes[0].tokenParams', /sets grant_type/],
  [
    'deadlineMs below timeoutMs',
    { timeoutMs: 5000, deadlineMs: 1000 },
    'probes[0].deadlineMs',
    /at least timeoutMs \(5000\)/,
  ],
  ['a string where a number goes', { timeoutMs: '5000' }, 'probes[0].timeoutMs', /expected number, got string/],
  [
    'an unknown region',
    { regions: ['eu-west-1', 'us-east-7'] },
    'probes[0].regions[1]',
    /unknown AWS region "us-east-7": did you mean us-east-1\? If AWS launched it after this release of oauth-probe, add it to the top-level "additionalRegions"/,
  ],
  [
    'a region without a number',
    { regions: ['eu-west'] },
    'probes[0].regions[0]',
    /must be an AWS region code such as eu-west-1/,
  ],
  [
    'a single-Region KMS key for several regions',
    {
      credentials: { secretId: 's', kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab` },
      regions: ['eu-west-1', 'us-east-1'],
    },
    'probes[0].credentials.kmsKeyArn',
    /single-Region key in eu-west-1, which cannot decrypt the replica of the secret in us-east-1 .*"kmsKeyArns": \{ "us-east-1": "arn:aws:kms:us-east-1:111122223333:key\/\.\.\." \}.*or use a multi-Region key/,
  ],
  [
    'a kmsKeyArns key of another region',
    {
      credentials: { secretId: 's', kmsKeyArns: { 'us-east-1': `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab` } },
      regions: ['eu-west-1', 'us-east-1'],
    },
    'probes[0].credentials.kmsKeyArns.us-east-1',
    /is a key in eu-west-1, listed for us-east-1/,
  ],
  [
    'a tls.ca that is a directory',
    { tls: { ca: 'certs' } },
    'probes[0].tls.ca',
    /certs is a directory: give the path of a PEM file/,
  ],
  ['a tls.ca file that is not PEM', { tls: { ca: 'notes.txt' } }, 'probes[0].tls.ca', /holds no PEM certificate/],
  [
    'a tls.ca whose PEM is no certificate',
    { tls: { ca: 'broken.pem' } },
    'probes[0].tls.ca',
    /holds a PEM block that is not a valid X\.509 certificate/,
  ],
  [
    'an inline tls.ca that is no certificate',
    { tls: { ca: BROKEN_PEM } },
    'probes[0].tls.ca',
    /the inline PEM holds a PEM block that is not a valid X\.509 certificate/,
  ],
];

/** Files next to probes.json that the cases name. */
async function withFiles(ws: Awaited<ReturnType<typeof workspace>>): Promise<void> {
  await mkdir(join(ws.dir, 'certs'));
  await ws.write('notes.txt', 'not a certificate\n');
  await ws.write('broken.pem', BROKEN_PEM);
}

describe('validate refuses careless configs with exit 2 and the field', () => {
  for (const [what, overrides, path, message] of CASES) {
    it(`refuses ${what}`, async () => {
      const ws = await workspace();
      await withFiles(ws);
      await ws.write('probes.json', { probes: [{ ...base(), ...overrides }] });

      const cli = await runCli(['validate', '-c', 'probes.json'], { cwd: ws.dir });

      expect(cli.code).toBe(2);
      const line = cli.stderr.split('\n').find((l) => l.includes(path));
      expect(line, cli.stderr).toMatch(message);
    });
  }
});

const TOP_LEVEL_CASES: [string, Record<string, unknown>, string, RegExp][] = [
  ['an unknown default region', { regions: ['eu-west-1', 'eu-wset-1'] }, 'regions[1]', /did you mean eu-west-1\?/],
  ['an unknown home region', { homeRegion: 'us-east-7' }, 'homeRegion', /unknown AWS region "us-east-7"/],
  [
    'an unknown region under vpc',
    { vpc: { 'mars-north-1': { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] } } },
    'vpc.mars-north-1',
    /unknown AWS region "mars-north-1"/,
  ],
];

describe('validate refuses unknown AWS regions anywhere in the config', () => {
  for (const [what, overrides, path, message] of TOP_LEVEL_CASES) {
    it(`refuses ${what}`, async () => {
      const ws = await workspace();
      await ws.write('probes.json', { ...overrides, probes: [base()] });

      const cli = await runCli(['validate', '-c', 'probes.json'], { cwd: ws.dir });

      expect(cli.code).toBe(2);
      const line = cli.stderr.split('\n').find((l) => l.includes(`  ${path}: `));
      expect(line, cli.stderr).toMatch(message);
    });
  }

  it('accepts a region AWS launched after this release once it is listed in additionalRegions', async () => {
    const ws = await workspace();
    await ws.write('probes.json', {
      additionalRegions: ['us-east-7'],
      regions: ['us-east-7'],
      notifications: { warning: { emails: ['ops@example.com'] } },
      probes: [base()],
    });

    const cli = await runCli(['validate', '-c', 'probes.json'], { cwd: ws.dir });

    expect(cli.stderr).not.toContain('unknown AWS region');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('us-east-7');
  });
});

describe('run refuses a tls.ca that is no CA certificate before running anything', () => {
  it('exits 2 naming the field for a directory', async () => {
    const ws = await workspace();
    await withFiles(ws);
    await ws.write('probes.json', { probes: [{ ...base(), tls: { ca: 'certs' } }] });
    await ws.write('secrets.json', { s: { client_id: 'c', client_secret: 'secret-value-123' } });

    const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json'], { cwd: ws.dir });

    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/probes\[0\]\.tls\.ca: \S*certs is a directory/);
    expect(cli.stdout).toBe('');
  });
});

describe('validate warns of plain http:// to a remote host where TLS is required', () => {
  it('names each field, keeps exit 0, and says nothing for loopback', async () => {
    const ws = await workspace();
    await ws.write('probes.json', {
      notifications: { warning: { emails: ['ops@example.com'] } },
      probes: [
        {
          ...base(),
          tokenUrl: undefined,
          issuer: 'http://auth.example.test',
          token: { jwt: { audience: 'a', jwksUri: 'http://keys.example.test/jwks' } },
          steps: [{ name: 'one', request: { url: 'http://api.example.test/x' } }],
          runbookUrl: 'https://wiki.example.test/rb',
        },
        {
          ...base(),
          name: 'local',
          tokenUrl: 'http://127.0.0.1:8080/token',
          steps: [{ name: 'one', request: { url: 'http://localhost:8081/x' } }],
          runbookUrl: 'https://wiki.example.test/rb',
        },
        { ...base(), name: 'remote-token', tokenUrl: 'http://auth.example.test/token', runbookUrl: 'https://x.test' },
      ],
    });

    const cli = await runCli(['validate', '-c', 'probes.json'], { cwd: ws.dir });

    expect(cli.code, cli.stderr).toBe(0);
    const warnings = cli.stderr.split('\n').filter((l) => l.includes('plain http://'));
    expect(warnings.map((l) => /probes\[\d+\]\.[\w.[\]]+/.exec(l)?.[0])).toEqual([
      'probes[0].issuer',
      'probes[0].token.jwt.jwksUri',
      'probes[0].steps[0].request.url',
      'probes[2].tokenUrl',
    ]);
    expect(warnings[0]).toMatch(
      /change the discovered metadata, and so where the credentials are sent; use https:\/\//,
    );
  });
});

describe('an old Node.js is told what is required before anything runs', () => {
  it('exits 2 for run and for the demo (npm start) on Node 18, saying which version is needed', async () => {
    // Node 18 as the CLI sees it: process.versions.node, set by a preload before the entry point loads.
    const ws = await workspace();
    const preload = await ws.write(
      'node18.mjs',
      "Object.defineProperty(process.versions, 'node', { value: '18.19.0' });\n",
    );
    for (const args of [['run', '-c', 'probes.json'], ['demo']]) {
      const cli = await runCli(args, { cwd: ws.dir, env: { NODE_OPTIONS: `--import=${preload}` } });

      expect(cli.code, args.join(' ')).toBe(2);
      expect(cli.stderr).toMatch(/^oauth-probe: Node\.js 20\.18\.1 or later is required; this is 18\.19\.0\./);
      expect(cli.stdout).toBe('');
    }
  });
});
