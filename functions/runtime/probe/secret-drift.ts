/**
 * Secret version drift: a replica region's probe compares the version its replica calls AWSCURRENT
 * with the primary region's AWSCURRENT. Secrets Manager replicates a new version and a moved staging
 * label asynchronously, usually within seconds to a few minutes (AWS: "Secrets Manager replicates ...
 * asynchronously"; no SLA is published). A replica still serving the old version after
 * `DRIFT_GRACE_MINUTES` is not replication catching up: replication is failing (the replica's
 * ReplicationStatus says why: a KMS key missing in the replica region, a conflicting secret), and that
 * region's integrations authenticate with a secret the primary has already rotated away from.
 *
 * Two calls, at most once per `DRIFT_CHECK_INTERVAL_MS` per secret and warm container, each with an
 * aborting deadline: DescribeSecret on the local replica (its PrimaryRegion and its AWSCURRENT) and
 * ListSecretVersionIds on the primary (its AWSCURRENT and when that version was created). The primary's
 * own probe, and a secret that is not replicated, make no second call and report nothing.
 *
 * The result is a 0/1 signal (`SecretVersionDrift`, per region, no Probe dimension) and log fields with
 * version ids only: no call here reads a secret value.
 */
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { localSecretId } from '../../contract/secret-ids.js';
import type { Clock } from '../../engine/index.js';
import { errorName } from '../../guards.js';
import { callDeadline } from '../shared/deadline.js';
import type { RuntimeLogger } from '../shared/log.js';

/**
 * Drift shorter than this is replication at work, not a fault: Secrets Manager usually replicates in
 * seconds to minutes; 15 minutes is three times a slow replication and still well inside the probe's
 * secret cache TTL plus one alarm period, so a real fault is alarmed within about 30 minutes.
 */
export const DRIFT_GRACE_MINUTES = 15;
/** A secret is checked at most this often per warm container (2 API calls; see docs/runtime.md for cost). */
export const DRIFT_CHECK_INTERVAL_MS = 5 * 60_000;
/** Each of the two calls (all its attempts) is aborted after this long, or at the caller's deadline. */
export const DRIFT_CALL_TIMEOUT_MS = 3_000;

const CURRENT = 'AWSCURRENT';

export interface SecretDrift {
  primaryRegion: string;
  /** AWSCURRENT of the primary and of this region's replica. */
  primaryVersionId: string;
  replicaVersionId: string | null;
  /** Minutes since the primary's AWSCURRENT version was created (an upper bound of how long it has been current). */
  minutesSincePrimaryVersion: number;
  /** 1 when the replica differs and the grace is over, else 0: the metric's value. */
  drift: 0 | 1;
}

export interface SecretDriftCheckOptions {
  region: string;
  /** Secrets Manager of a region (the function's own, and the primary's). */
  clientIn: (region: string) => SecretsManagerClient;
  clock: Clock;
  logger: Pick<RuntimeLogger, 'warn'>;
  /** @default DRIFT_CHECK_INTERVAL_MS */
  intervalMs?: number;
  /** @default DRIFT_CALL_TIMEOUT_MS */
  callTimeoutMs?: number;
}

export class SecretDriftCheck {
  readonly #options: SecretDriftCheckOptions;
  readonly #lastCheck = new Map<string, number>();

  constructor(options: SecretDriftCheckOptions) {
    this.#options = options;
  }

  /**
   * The drift of `secretId` in this region, or undefined when not due, not a replica, or the calls
   * failed (logged as `secret_drift_check_failed`). Never throws.
   */
  async check(secretId: string, signal?: AbortSignal): Promise<SecretDrift | undefined> {
    const { clock, logger } = this.#options;
    const now = clock.now();
    const last = this.#lastCheck.get(secretId);
    if (last !== undefined && now - last < (this.#options.intervalMs ?? DRIFT_CHECK_INTERVAL_MS)) return undefined;
    this.#lastCheck.set(secretId, now);
    try {
      return await this.#compare(secretId, now, signal);
    } catch (error) {
      logger.warn('secret version drift check failed', {
        event: 'secret_drift_check_failed',
        secretId,
        errorName: errorName(error),
      });
      return undefined;
    }
  }

  async #compare(secretId: string, now: number, signal: AbortSignal | undefined): Promise<SecretDrift | undefined> {
    const { region, clientIn } = this.#options;
    const timeout = this.#options.callTimeoutMs ?? DRIFT_CALL_TIMEOUT_MS;
    const local = await clientIn(region).send(
      new DescribeSecretCommand({ SecretId: localSecretId(secretId, region) }),
      { abortSignal: callDeadline(timeout, signal) },
    );
    const primaryRegion = local.PrimaryRegion;
    if (!primaryRegion || primaryRegion === region) return undefined;
    const replicaVersionId = currentOf(local.VersionIdsToStages);
    const primary = await clientIn(primaryRegion).send(
      new ListSecretVersionIdsCommand({ SecretId: localSecretId(secretId, primaryRegion), MaxResults: 100 }),
      { abortSignal: callDeadline(timeout, signal) },
    );
    const current = primary.Versions?.find((v) => v.VersionStages?.includes(CURRENT));
    if (!current?.VersionId) return undefined;
    const created = current.CreatedDate ? new Date(current.CreatedDate).getTime() : now;
    const minutes = Math.max(0, Math.floor((now - created) / 60_000));
    const differs = replicaVersionId !== current.VersionId;
    return {
      primaryRegion,
      primaryVersionId: current.VersionId,
      replicaVersionId: replicaVersionId ?? null,
      minutesSincePrimaryVersion: minutes,
      drift: differs && minutes >= DRIFT_GRACE_MINUTES ? 1 : 0,
    };
  }
}

function currentOf(stages: Record<string, string[]> | undefined): string | undefined {
  return Object.entries(stages ?? {}).find(([, labels]) => labels.includes(CURRENT))?.[0];
}
