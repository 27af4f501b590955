/**
 * Unplanned quiet: `oauth-probe mute` writes one CloudWatch alarm mute rule per region where the probe
 * has alarms (PutAlarmMuteRule: a one-time `at(...)` schedule of the given length, expiring then);
 * `unmute` deletes them. Alarms keep evaluating; only their actions (the notifier) are muted. Every
 * call has a deadline that aborts it.
 */
import { type CloudWatchClient, DeleteAlarmMuteRuleCommand, PutAlarmMuteRuleCommand } from '@aws-sdk/client-cloudwatch';
import type { ResolvedProbe } from '../../functions/config/resolve.js';
import { type AlarmKind, alarmName, hasGlobalAlarm } from '../../functions/contract/index.js';

export const MUTE_CALL_DEADLINE_MS = 10_000;
/** Longest mute a rule allows (CloudWatch: P15D). */
export const MAX_MUTE_MINUTES = 15 * 24 * 60;

export function muteRuleName(probe: string): string {
  return `oauth-probe-mute-${probe}`;
}

/** `2h`, `90m`, `1d`, `1h30m` → minutes; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const minutes = Number(match[1] ?? 0) * 1440 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  return minutes > 0 ? minutes : undefined;
}

/** The probe's alarm names by region (the global alarm in the home region). */
export function alarmsByRegion(
  probe: ResolvedProbe,
  homeRegion: string,
  globalFailureRegions: number,
): Map<string, string[]> {
  const kinds: AlarmKind[] = ['availability', 'latency', 'expiry', 'stopped'];
  const byRegion = new Map<string, string[]>();
  for (const region of probe.regions) {
    byRegion.set(
      region,
      kinds.map((kind) => alarmName({ probe: probe.name, kind, region })),
    );
  }
  if (hasGlobalAlarm(probe, globalFailureRegions)) {
    byRegion.set(homeRegion, [...(byRegion.get(homeRegion) ?? []), alarmName({ probe: probe.name, kind: 'global' })]);
  }
  return byRegion;
}

export async function putMute(
  client: CloudWatchClient,
  args: { probe: string; alarms: string[]; minutes: number; reason?: string; now: Date },
): Promise<{ until: Date }> {
  const start = new Date(Math.floor(args.now.getTime() / 60_000) * 60_000);
  const until = new Date(start.getTime() + args.minutes * 60_000);
  await client.send(
    new PutAlarmMuteRuleCommand({
      Name: muteRuleName(args.probe),
      Description: `oauth-probe mute of ${args.probe}${args.reason ? `: ${args.reason}` : ''}`.slice(0, 1024),
      Rule: {
        Schedule: {
          Expression: `at(${start.toISOString().slice(0, 16)})`,
          Duration: isoDuration(args.minutes),
          Timezone: 'UTC',
        },
      },
      MuteTargets: { AlarmNames: args.alarms },
      ExpireDate: until,
    }),
    { abortSignal: AbortSignal.timeout(MUTE_CALL_DEADLINE_MS) },
  );
  return { until };
}

export async function deleteMute(client: CloudWatchClient, probe: string): Promise<boolean> {
  try {
    await client.send(new DeleteAlarmMuteRuleCommand({ AlarmMuteRuleName: muteRuleName(probe) }), {
      abortSignal: AbortSignal.timeout(MUTE_CALL_DEADLINE_MS),
    });
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

/** 150 → PT2H30M, 2880 → P2D */
export function isoDuration(total: number): string {
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
