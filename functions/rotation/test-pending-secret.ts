/**
 * The testSecret step of a Secrets Manager rotation, done by the probe: invoke the deployed probe
 * function with the pending version (`secretVersionStage: AWSPENDING` and the rotation's token as
 * `secretVersionId`) and throw when the verdict is `fail`, so that the rotation stops before
 * finishSecret moves AWSCURRENT. A `degraded` run (slow, still working) lets the rotation go on.
 *
 * Pure: the Lambda call is injected (`lambdaInvoke` in ./lambda-invoke.ts wraps a LambdaClient), so a
 * rotation function of any shape, or a test, supplies its own. The error names the probe, the stage,
 * the code and the hint, never a secret or a token (the probe's result message can quote what an
 * authorization server answered; it is left out here and published, scrubbed, in the notification).
 */
import { checkVersionId, type ProbeEvent, type ProbeEventProbe, ROTATION_TEST_ENV } from '../contract/environment.js';

export interface TestPendingSecretOptions {
  /** Sends `event` to the probe function synchronously (RequestResponse) and returns its parsed payload. */
  invoke: (functionName: string, event: ProbeEvent) => Promise<unknown>;
  /** The rotation's ClientRequestToken: the id of the pending version. */
  clientRequestToken?: string;
  /** @default env OAUTH_PROBE_FUNCTION_NAME (set by the ProbeRotationTest construct) */
  functionName?: string;
  /** The probe as its schedule sends it. @default JSON of env OAUTH_PROBE_PROBE (set by the construct) */
  probe?: ProbeEventProbe;
  /** Publish a failure to the notification topic (needs `credentials.rotationTest`). @default true */
  notify?: boolean;
  /** @default process.env */
  env?: Record<string, string | undefined>;
}

export interface PendingSecretVerdict {
  probe: string;
  status: 'pass' | 'degraded';
  /** The version the probe read. */
  secretVersionId?: string;
}

/** Why the rotation must stop. `code` is the probe's result code, or `rotation_test_unavailable`. */
export class RotationTestFailed extends Error {
  constructor(
    message: string,
    readonly probe: string,
    readonly code: string,
    readonly stage: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'RotationTestFailed';
  }
}

interface RanOutput {
  outcome: 'ran';
  result: { probe: string; status: string; stage: string | null; code: string | null; hint: string | null };
  rotationTest?: { secretVersionId?: string; notified?: boolean };
}

/** Runs the probe with the pending version; resolves when it passes, throws `RotationTestFailed` otherwise. */
export async function testPendingSecret(options: TestPendingSecretOptions): Promise<PendingSecretVerdict> {
  const env = options.env ?? process.env;
  const functionName = options.functionName ?? env[ROTATION_TEST_ENV.functionName];
  const probe = options.probe ?? probeFromEnv(env[ROTATION_TEST_ENV.probe]);
  if (!functionName || !probe) {
    throw new RotationTestFailed(
      `rotation test not configured: set ${ROTATION_TEST_ENV.functionName} and ${ROTATION_TEST_ENV.probe} (the ProbeRotationTest construct does), or pass functionName and probe`,
      probe?.name ?? 'unknown',
      'rotation_test_unavailable',
    );
  }
  const token = options.clientRequestToken;
  if (token !== undefined && checkVersionId(token)) {
    throw new RotationTestFailed(
      `rotation test of ${probe.name}: ${checkVersionId(token)}`,
      probe.name,
      'invalid_config',
    );
  }
  const event: ProbeEvent = {
    probe,
    secretVersionStage: 'AWSPENDING',
    ...(token ? { secretVersionId: token } : {}),
    notifyOnFailure: options.notify ?? true,
  };
  let payload: unknown;
  try {
    payload = await options.invoke(functionName, event);
  } catch (error) {
    throw unavailable(probe.name, `invoking ${functionName} failed (${errorName(error)})`);
  }
  const output = payload as Partial<RanOutput> & { outcome?: string; problems?: unknown };
  if (output?.outcome !== 'ran' || !output.result) {
    const problems = Array.isArray(output?.problems) ? `: ${output.problems.slice(0, 3).join('; ')}` : '';
    throw unavailable(probe.name, `${functionName} answered ${output?.outcome ?? 'no result'}${problems}`);
  }
  const { result } = output;
  const secretVersionId = output.rotationTest?.secretVersionId;
  if (result.status === 'pass' || result.status === 'degraded') {
    return { probe: result.probe, status: result.status, ...(secretVersionId ? { secretVersionId } : {}) };
  }
  const where = `${result.stage ?? 'run'} ${result.code ?? 'fail'}`;
  throw new RotationTestFailed(
    `rotation test of ${result.probe} failed with the AWSPENDING version${secretVersionId ? ` ${secretVersionId}` : ''}: ${where}${result.hint ? `. Hint: ${result.hint}` : ''}. The rotation stops here; AWSCURRENT is unchanged.`,
    result.probe,
    result.code ?? 'fail',
    result.stage,
    result.hint,
  );
}

function unavailable(probe: string, why: string): RotationTestFailed {
  return new RotationTestFailed(
    `rotation test of ${probe} could not run (${why}): the rotation stops rather than go live untested`,
    probe,
    'rotation_test_unavailable',
  );
}

function probeFromEnv(text: string | undefined): ProbeEventProbe | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string'
      ? (value as ProbeEventProbe)
      : undefined;
  } catch {
    return undefined;
  }
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}
