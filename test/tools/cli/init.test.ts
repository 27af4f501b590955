import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGIONS } from '../../../functions/config/resolve.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';
import { runCli, workspace } from './helpers.js';

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

/** `oauth-probe init`, spawned, against the local authorization server (oidc-provider) over HTTPS. */
describe('oauth-probe init', () => {
  let env: LocalEnvironment;

  beforeAll(async () => {
    env = await startLocalEnvironment({ https: true });
  });

  afterAll(async () => {
    await env?.close();
  });

  it('writes a starter config that validates and a secrets template, and never overwrites without --force', async () => {
    const ws = await workspace();

    const first = await runCli(['init'], { cwd: ws.dir });
    const validate = await runCli(['validate', '--config', 'probes.json'], { cwd: ws.dir });
    await writeFile(join(ws.dir, 'probes.json'), '{"mine": true}');
    const again = await runCli(['init'], { cwd: ws.dir });
    const forced = await runCli(['init', '--force', '--name', 'billing-api'], { cwd: ws.dir });

    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^wrote probes.json and local-secrets.json/);
    expect(validate.code).toBe(0);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'oauth-probe: probes.json and local-secrets.json already exist: pass --force to overwrite, or --config/--secrets for other paths\n',
    );
    expect(forced.code).toBe(0);
    const config = await readJson(join(ws.dir, 'probes.json'));
    expect(config.probes[0]).toMatchObject({
      name: 'billing-api',
      credentials: { secretId: 'oauth-probe/billing-api' },
      clientAuth: 'client_secret_basic',
    });
    expect(config.$schema).toMatch(/probes\.schema\.json$/);
    // Without --region, the region the schema defaults to (a config without "regions" deploys there).
    expect([config.homeRegion, config.regions]).toEqual([DEFAULT_REGIONS[0], DEFAULT_REGIONS]);
    expect(DEFAULT_REGIONS).toEqual(['us-east-1']);
    expect(await readJson(join(ws.dir, 'local-secrets.json'))).toEqual({
      'oauth-probe/billing-api': { client_id: 'REPLACE-client-id', client_secret: 'REPLACE-client-secret' },
    });
  });

  it('fills issuer, client authentication and scopes from discovery with --issuer', async () => {
    const ws = await workspace();
    await ws.write('ca.pem', env.caPem!);
    const issuer = env.authServer.issuer;

    const { code, stdout, stderr } = await runCli(
      ['init', '--issuer', issuer, '--ca', 'ca.pem', '--config', 'conf/probes.json', '--region', 'us-east-1'],
      { cwd: ws.dir },
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const config = await readJson(join(ws.dir, 'conf/probes.json'));
    expect(config).toMatchObject({ homeRegion: 'us-east-1', regions: ['us-east-1'] });
    const probe = config.probes[0];
    expect(probe.issuer).toBe(issuer);
    expect(probe.tokenUrl).toBeUndefined();
    expect(probe.clientAuth).toBe('client_secret_basic');
    expect(probe.scope).toContain('billing:read');
    expect(probe.scope).not.toContain('openid');
    expect(stdout).toContain(`token endpoint ${issuer}/token`);
    expect(stdout).toMatch(/auth methods {3}.*client_secret_basic.*private_key_jwt.* \(using client_secret_basic\)/);
    // The written config passes validation as it is (its CA is not needed: discovery runs at probe time).
    expect((await runCli(['validate', '--config', 'conf/probes.json'], { cwd: ws.dir })).code).toBe(0);
  });

  it('exits 2 naming the metadata URLs when the issuer has no metadata, and for a bad issuer URL', async () => {
    const ws = await workspace();
    await ws.write('ca.pem', env.caPem!);

    const missing = await runCli(['init', '--issuer', `${env.authServer.issuer}/nope`, '--ca', 'ca.pem'], {
      cwd: ws.dir,
    });
    const untrusted = await runCli(['init', '--issuer', env.authServer.issuer], { cwd: ws.dir });
    const bad = await runCli(['init', '--issuer', 'not a url'], { cwd: ws.dir });

    expect([missing.code, untrusted.code, bad.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toMatch(/^oauth-probe: no authorization server metadata for .*\/nope: .*answered 404/);
    expect(untrusted.stderr).toContain('(pass the CA with --ca FILE)');
    expect(bad.stderr).toBe(
      "oauth-probe: --issuer must be an absolute URL such as https://auth.example.com/, got 'not a url'\n",
    );
  });
});
