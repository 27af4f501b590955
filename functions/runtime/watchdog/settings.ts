/**
 * The watchdog's settings, from its environment (names in functions/contract/environment.ts). A missing
 * or malformed variable is a deployment error: it names the variable and what it should hold, never a
 * value that could be a secret (none of these is one: the URL stays in Secrets Manager).
 */
import { WATCHDOG_ENV } from '../../contract/environment.js';
import { isRecord } from '../../guards.js';

/** @default 30: a Stopped alarm INSUFFICIENT_DATA this long after its creation is a probe that never ran. */
export const DEFAULT_NEVER_RAN_GRACE_MINUTES = 30;

export interface NotifierToWatch {
  region: string;
  /**
   * Its function, whose `Errors` are read; absent for another region's notifier (CloudFormation names it,
   * and the home stack cannot know the name): that one is watched through its alarms only.
   */
  functionName?: string;
  /** Its dead-letter queue, whose depth is read; absent as `functionName` is. */
  deadLetterQueueName?: string;
  /** The notifier's own alarms (Errors, DeadLetters): one in ALARM withholds the heartbeat. */
  alarmNames: string[];
}

export interface WatchdogSettings {
  urlSecretId: string;
  periodMinutes: number;
  notifiers: NotifierToWatch[];
  alarmPrefix: string;
  alarmRegions: string[];
  neverRanGraceMinutes: number;
  /** The function's own region. */
  region: string;
}

export function watchdogSettingsFromEnv(env: NodeJS.ProcessEnv): WatchdogSettings {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const required = (name: string, what: string) => {
    const value = env[name]?.trim();
    if (!value) throw new TypeError(`watchdog environment is missing ${name} (${what})`);
    return value;
  };
  const minutes = (name: string, fallback: number | undefined, what: string) => {
    const text = env[name]?.trim();
    if (!text && fallback !== undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`watchdog environment: ${name} must be ${what}`);
    return value;
  };
  return {
    urlSecretId: required(WATCHDOG_ENV.urlSecretId, 'the secret id of the heartbeat URL'),
    periodMinutes: minutes(WATCHDOG_ENV.periodMinutes, undefined, 'the heartbeat period, whole minutes ≥ 1'),
    notifiers: notifiersFrom(required(WATCHDOG_ENV.notifiers, 'JSON list of the notifiers to check')),
    alarmPrefix: required(WATCHDOG_ENV.alarmPrefix, "the deployment's alarm name prefix"),
    alarmRegions: listed(env[WATCHDOG_ENV.alarmRegions]) ?? [region],
    neverRanGraceMinutes: minutes(
      WATCHDOG_ENV.neverRanGraceMinutes,
      DEFAULT_NEVER_RAN_GRACE_MINUTES,
      'whole minutes ≥ 1',
    ),
    region,
  };
}

function notifiersFrom(text: string): NotifierToWatch[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError(`watchdog environment: ${WATCHDOG_ENV.notifiers} is not JSON`);
  }
  const fail = (why: string): never => {
    throw new TypeError(
      `watchdog environment: ${WATCHDOG_ENV.notifiers} ${why}; expected [{ "region", "functionName"?, "deadLetterQueueName"?, "alarmNames": [...] }]`,
    );
  };
  if (!Array.isArray(value) || value.length === 0) return fail('is not a non-empty array');
  return value.map((item, index) => {
    if (!isRecord(item)) return fail(`[${index}] is not an object`);
    const text = (key: string) => {
      const v = item[key];
      return typeof v === 'string' && v ? v : fail(`[${index}].${key} is not a non-empty string`);
    };
    const optional = (key: string) => (item[key] === undefined ? undefined : text(key));
    const names = item.alarmNames ?? [];
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !n)) {
      return fail(`[${index}].alarmNames is not a list of alarm names`);
    }
    const functionName = optional('functionName');
    const deadLetterQueueName = optional('deadLetterQueueName');
    // Nothing to read of a notifier with neither metrics nor alarms: the watchdog would prove nothing.
    if (!functionName && !deadLetterQueueName && names.length === 0) {
      return fail(`[${index}] names no function, queue or alarm to check`);
    }
    return {
      region: text('region'),
      ...(functionName ? { functionName } : {}),
      ...(deadLetterQueueName ? { deadLetterQueueName } : {}),
      alarmNames: names as string[],
    };
  });
}

/** A comma-separated list, or undefined when empty. */
function listed(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}
