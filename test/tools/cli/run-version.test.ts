/**
 * `oauth-probe run --version-stage` on this machine: the secret version is read from Secrets Manager
 * (mocked with aws-sdk-client-mock) and the real engine probes the local authorization server.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../tools/cli/main.js';
import { type LocalEnvironment, startLocalEnvironment } from '../../../tools/local-servers/index.js';
import { type Workspace, WRONG_SECRET, workspace } from './helpers.js';
import { memoryIo } from './memory-io.js';

const secretsManager = mockClient(SecretsManagerClient);

describe('oauth-probe run --version-stage (local, Secrets Manager)', () => {
  let env: LocalEnvironment;
  let ws: Workspace;

  beforeAll(async () => {
    env = await startLocalEnvironment();
    ws = await workspace();
    await ws.write('probes.json', { probes: [env.probe('client_secret_basic', { name: 'good' })] });
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => {
    secretsManager.reset();
    const current = env.secrets['local/basic']!;
    secretsManager.on(GetSecretValueCommand).callsFake((input: { VersionStage?: string }) => ({
      VersionId: 'v'.repeat(32),
      SecretString: JSON.stringify(
        input.VersionStage === 'AWSPENDING' ? { ...current, client_secret: WRONG_SECRET } : current,
      ),
    }));
  });

  it('reads AWSPENDING and exits 1 with the diagnosis when the server refuses it', async () => {
    const io = memoryIo(ws.dir);

    const code = await main(['run', '--version-stage', 'AWSPENDING'], io);

    expect(code).toBe(1);
    expect(io.out()).toMatch(/FAIL\s+good\s.*token · invalid_client/);
    expect(io.out()).not.toContain(WRONG_SECRET);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: 'local/basic',
      VersionStage: 'AWSPENDING',
    });
  });

  it('reads AWSPREVIOUS by stage and exits 0 when it still works', async () => {
    const io = memoryIo(ws.dir);

    expect(await main(['run', '--version-stage', 'AWSPREVIOUS'], io)).toBe(0);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input.VersionStage).toBe('AWSPREVIOUS');
  });

  it('exits 2 with --secrets (a file has no versions) and without AWS credentials', async () => {
    const io = memoryIo(ws.dir, { AWS_ACCESS_KEY_ID: '' });
    const codes = [
      await main(['run', '--version-stage', 'AWSPENDING', '--secrets', 'local-secrets.json'], io),
      await main(['run', '--version-stage', 'AWSPENDING'], io),
    ];

    expect(codes).toEqual([2, 2]);
    expect(io.err().split('\n').filter(Boolean)).toEqual([
      'oauth-probe: --version-stage/--version-id and --secrets contradict: a secrets file has no versions; read them from Secrets Manager (AWS credentials) or run with --remote',
      'oauth-probe: --version-stage/--version-id read Secrets Manager: set AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_REGION, or run with --remote --region REGION',
    ]);
    expect(secretsManager.calls()).toHaveLength(0);
  });
});
