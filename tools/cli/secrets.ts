/**
 * Where `run` takes credentials from: `--secrets FILE` (a JSON object keyed by secretId), or, without
 * it and with AWS credentials in the environment, AWS Secrets Manager in AWS_REGION. The file is
 * checked up front (exists, parses, is an object), so a typo in its path is a usage error, not a failed
 * probe; messages name the file, never its content (functions/secrets/file-source.ts words them).
 */
import { resolve } from 'node:path';
import { localSecretId } from '../../functions/contract/secret-ids.js';
import type { SecretSource } from '../../functions/engine/index.js';
import { AwsEnvironmentError, awsCall, awsEnvironmentError } from './aws/errors.js';
import type { Env } from './colour.js';
import { UsageError } from './errors.js';

/** The check of the caller's access to Secrets Manager is aborted after this long. */
export const SECRETS_CHECK_DEADLINE_MS = 10_000;

/** Environment variables that mean "AWS credentials are available" (the SDK's default chain reads them). */
export const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;

export interface ChosenSecrets {
  source: SecretSource;
  /**
   * Secrets Manager only: one read of `secretId` before the probes run, so that a problem of the
   * caller's AWS environment (credentials, region, permissions, network) ends the run as that one
   * problem (exit 2) instead of failing every probe at the credentials stage.
   */
  checkAccess?: (secretId: string) => Promise<void>;
  /** For the user: `local-secrets.json` or `AWS Secrets Manager (eu-west-1)`. */
  description: string;
}

/** A version of the secrets other than AWSCURRENT (`run --version-stage/--version-id`). */
export interface SecretVersion {
  stage?: string;
  id?: string;
}

export async function chooseSecretSource(
  file: string | undefined,
  env: Env,
  cwd: string,
  version?: SecretVersion,
): Promise<ChosenSecrets> {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    return { source: await openSecretsFile(path, file), description: file };
  }
  if (AWS_CREDENTIAL_VARIABLES.some((name) => env[name])) return secretsManagerSource(env, version);
  if (version) {
    throw new UsageError(
      '--version-stage/--version-id read Secrets Manager: set AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_REGION, or run with --remote --region REGION',
    );
  }
  throw new UsageError(
    'no credentials source: pass --secrets FILE (JSON keyed by credentials.secretId), or set AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_REGION to read them from Secrets Manager',
  );
}

/** Secrets Manager in AWS_REGION (else the profile's region), with a check of the caller's AWS environment. */
async function secretsManagerSource(env: Env, version: SecretVersion | undefined): Promise<ChosenSecrets> {
  const [{ SecretsManagerClient, GetSecretValueCommand }, { SecretsManagerSecretSource }, { clientConfig }] =
    await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('../../functions/runtime/probe/secrets-manager-source.js'),
      import('../../functions/runtime/shared/deadline.js'),
    ]);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion(SecretsManagerClient));
  const client = new SecretsManagerClient(clientConfig(region));
  const site = {
    service: 'Secrets Manager',
    region,
    action: 'secretsmanager:GetSecretValue',
    deadlineMs: SECRETS_CHECK_DEADLINE_MS,
  };
  return {
    // A version is read once, uncached: it is not the copy anything else uses.
    source: new SecretsManagerSecretSource({ client, region, ...(version ? { version, ttlSec: 0 } : {}) }),
    description: `AWS Secrets Manager (${region})${version ? ` version ${[version.stage, version.id].filter(Boolean).join(' / ')}` : ''}`,
    async checkAccess(secretId) {
      try {
        await awsCall(site, (abortSignal) =>
          client.send(
            new GetSecretValueCommand({
              SecretId: localSecretId(secretId, region),
              ...(version?.stage ? { VersionStage: version.stage } : {}),
              ...(version?.id ? { VersionId: version.id } : {}),
            }),
            { abortSignal },
          ),
        );
      } catch (error) {
        if (error instanceof AwsEnvironmentError) throw error;
        // Anything else (a secret not found, malformed) is that probe's own diagnosis.
      }
    },
  };
}

/** The region of the AWS profile (AWS_PROFILE's `region`), or the one-line "no AWS region" error. */
async function profileRegion(
  Client: typeof import('@aws-sdk/client-secrets-manager').SecretsManagerClient,
): Promise<string> {
  try {
    return await new Client({}).config.region();
  } catch (error) {
    throw awsEnvironmentError(error) ?? error;
  }
}

/** The file is checked by the source itself (one validation); here its failure becomes a usage error. */
async function openSecretsFile(path: string, display: string): Promise<SecretSource> {
  // Loaded here, not at start-up: the secret source pulls in the engine, which only `run` needs.
  const [{ FileSecretSource }, { CredentialsError }] = await Promise.all([
    import('../../functions/secrets/file-source.js'),
    import('../../functions/engine/index.js'),
  ]);
  try {
    return await FileSecretSource.open(path, display);
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    const where = error.code === 'secret_not_found' ? ' (check the path given to --secrets)' : '';
    throw new UsageError(`${error.message}${where}`);
  }
}
