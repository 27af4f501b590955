/**
 * `oauth-probe init`: writes a starter probes.json and a secrets template next to it, never over an
 * existing file without --force. With --issuer, the probe's issuer, client authentication and scopes
 * come from the server's metadata. The config written is checked against the schema first.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_AWS_REGIONS } from '../../../functions/config/aws-regions.js';
import { DEFAULT_REGIONS } from '../../../functions/config/resolve.js';
import { parseCommandArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { DEFAULT_CONFIG } from '../config.js';
import { EXIT, UsageError } from '../errors.js';
import { type StarterOptions, starterConfig, starterSecrets } from '../starter.js';

export const DEFAULT_SECRETS_FILE = 'local-secrets.json';

const options = {
  config: { type: 'string', short: 'c' },
  secrets: { type: 'string', short: 's' },
  issuer: { type: 'string' },
  ca: { type: 'string' },
  name: { type: 'string' },
  region: { type: 'string', short: 'r', choices: KNOWN_AWS_REGIONS },
  force: { type: 'boolean', short: 'f' },
  ...HELP_OPTION,
} as const;

export const initCommand: Command = {
  name: 'init',
  summary: 'Write a starter probes.json and secrets template (from discovery with --issuer)',
  options,
  help: `Usage: oauth-probe init [--issuer URL [--ca FILE]] [--name PROBE] [--region REGION] [--force]

Writes a starter ${DEFAULT_CONFIG} (one probe, one API step) and a secrets template for
'oauth-probe run --secrets', and refuses to overwrite either unless --force is given.

With --issuer, reads the server's metadata (RFC 8414, then OpenID Connect discovery) and fills the
probe's issuer (the token endpoint and JWKS are then discovered at run time), the first advertised
client authentication that oauth-probe supports, and the advertised scopes (user-login scopes such
as openid left out); it prints the token endpoint and every advertised method.

Options:
      --issuer URL       the authorization server's issuer, exactly as it names itself
      --ca FILE          PEM CA bundle for an issuer with a private CA
      --name PROBE       the probe's name (default: my-api)
  -r, --region REGION    region to deploy to (default: ${DEFAULT_REGIONS[0]}, the config's default)
  -c, --config FILE      where to write the config (default: ${DEFAULT_CONFIG})
  -s, --secrets FILE     where to write the secrets template (default: ${DEFAULT_SECRETS_FILE})
  -f, --force            overwrite existing files
  -h, --help             show this help

Examples:
  npx oauth-probe init
  npx oauth-probe init --issuer https://auth.example.com/ --name billing-api --region us-east-1

Exit codes: 0 written, 2 a file exists (without --force), bad usage, or discovery failed.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('init', argv, options);
    if (values.help) {
      io.stdout.write(this.help);
      return EXIT.ok;
    }
    const configPath = resolve(io.cwd, values.config ?? DEFAULT_CONFIG);
    const secretsPath = resolve(io.cwd, values.secrets ?? DEFAULT_SECRETS_FILE);
    if (values.force !== true) {
      const existing = [configPath, secretsPath].filter((path) => existsSync(path));
      if (existing.length > 0) {
        throw new UsageError(
          `${existing.map((p) => relative(io.cwd, p)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}: pass --force to overwrite, or --config/--secrets for other paths`,
        );
      }
    }
    const starter: StarterOptions = {
      probeName: values.name ?? 'my-api',
      region: values.region ?? DEFAULT_REGIONS[0]!,
      schemaPath: schemaPathFrom(dirname(configPath)),
    };
    const issuer = values.issuer;
    if (issuer !== undefined) {
      const { discoverServer } = await import('../discovery.js');
      starter.server = await discoverServer(issuer, { caFile: values.ca, cwd: io.cwd });
    } else if (values.ca !== undefined) {
      throw new UsageError('--ca goes with --issuer (the CA of the server to discover)');
    }
    const config = await starterConfig(starter);
    await mkdir(dirname(configPath), { recursive: true });
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    await mkdir(dirname(secretsPath), { recursive: true });
    await writeFile(secretsPath, `${JSON.stringify(starterSecrets(config), null, 2)}\n`, { mode: 0o600 });

    const shown = (path: string) => relative(io.cwd, path) || path;
    const lines = [`wrote ${shown(configPath)} and ${shown(secretsPath)} (fill in the client credentials)`];
    if (starter.server) {
      lines.push(
        `issuer         ${starter.server.issuer} (metadata: ${starter.server.url})`,
        `token endpoint ${starter.server.tokenEndpoint}`,
        `auth methods   ${starter.server.authMethods.join(', ')} (using ${config.probes[0]!.clientAuth})`,
        `scopes         ${starter.server.scopes.join(' ') || '(none advertised)'}`,
      );
    }
    lines.push(
      `next: edit the API step, then 'oauth-probe validate --config ${shown(configPath)}' and 'oauth-probe run --config ${shown(configPath)} --secrets ${shown(secretsPath)}'`,
    );
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** `$schema` relative to the config: the schema file shipped in this package (3 levels up from the
 * sources, 2 or 3 from the CLI bundle in dist/cli/, 4 from dist/tools/). */
function schemaPathFrom(configDir: string): string {
  const candidates = ['../../../probes.schema.json', '../../probes.schema.json', '../../../../probes.schema.json'].map(
    (path) => fileURLToPath(new URL(path, import.meta.url)),
  );
  const shipped = candidates.find((path) => existsSync(path)) ?? candidates[0]!;
  const path = relative(configDir, shipped).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
