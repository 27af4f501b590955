/**
 * The public AWS and peer prices the cost estimate assumes (us-east-1, USD), each with the date of its
 * source. Prices change and differ by region: check them against the live pricing pages
 * (https://aws.amazon.com/lambda/pricing/, /cloudwatch/pricing/, /eventbridge/pricing/,
 * /secrets-manager/pricing/, /sns/pricing/) before relying on an estimate.
 */

export interface Price {
  /** Stable key, e.g. `lambdaGbSecondArm64`. */
  key: string;
  description: string;
  /** USD per one `unit`. */
  usd: number;
  unit: string;
  /** The price as the pricing page states it, e.g. `$0.20 per 1M requests`. */
  display: string;
  /** Date of the source the price was taken from, or `undated`. */
  asOf: string;
  source: string;
}

function plural(unit: string): string {
  if (unit.endsWith('y')) return `${unit.slice(0, -1)}ies`;
  if (unit.endsWith('sh')) return `${unit}es`;
  return `${unit}s`;
}

/** `price('lambdaRequest', 0.2, 1_000_000, 'request', ...)`: $0.20 per 1M requests. */
const price = (
  key: string,
  amountUsd: number,
  per: number,
  unit: string,
  asOf: string,
  description: string,
  source: string,
): Price => ({
  key,
  description,
  usd: amountUsd / per,
  unit,
  display: `$${amountUsd < 0.01 ? String(amountUsd) : amountUsd.toFixed(2)} per ${per === 1 ? unit : `${per >= 1_000_000 ? `${per / 1_000_000}M` : per.toLocaleString('en-US')} ${plural(unit)}`}`,
  asOf,
  source,
});

export const PRICES = {
  // as of 2024
  lambdaGbSecondArm64: price(
    'lambdaGbSecondArm64',
    0.0000133334,
    1,
    'GB-second',
    '2024',
    'Lambda compute, arm64',
    'https://aws.amazon.com/lambda/pricing/',
  ),
  // as of 2024
  lambdaRequest: price(
    'lambdaRequest',
    0.2,
    1_000_000,
    'request',
    '2024',
    'Lambda requests',
    'https://aws.amazon.com/lambda/pricing/',
  ),
  // as of 2025: INIT billed for ZIP packages on managed runtimes since 2025-08-01, at the compute price
  lambdaInitGbSecondArm64: price(
    'lambdaInitGbSecondArm64',
    0.0000133334,
    1,
    'GB-second',
    '2025',
    'Lambda INIT phase, billed like compute (ZIP on managed runtimes, since 2025-08-01)',
    'https://aws.amazon.com/lambda/pricing/',
  ),
  // as of 2026-03
  schedulerInvocation: price(
    'schedulerInvocation',
    1,
    1_000_000,
    'invocation',
    '2026-03',
    'EventBridge Scheduler invocations (14M free per month per account, not applied here)',
    'https://aws.amazon.com/eventbridge/pricing/',
  ),
  // as of 2022-04: first 10k metrics; then $0.10 / $0.05 / $0.02 tiers; prorated by the hour
  customMetricMonth: price(
    'customMetricMonth',
    0.3,
    1,
    'metric-month',
    '2022-04',
    'CloudWatch custom metric, first 10,000 (prorated hourly)',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // as of 2022-04
  cloudWatchApiRequest: price(
    'cloudWatchApiRequest',
    0.01,
    1000,
    'request',
    '2022-04',
    'CloudWatch API requests (PutMetricData)',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // undated
  alarmStandardMonth: price(
    'alarmStandardMonth',
    0.1,
    1,
    'alarm metric-month',
    'undated',
    'CloudWatch standard-resolution alarm, per metric it evaluates',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // undated
  alarmCompositeMonth: price(
    'alarmCompositeMonth',
    0.5,
    1,
    'composite alarm-month',
    'undated',
    'CloudWatch composite alarm',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // undated
  dashboardMonth: price(
    'dashboardMonth',
    3,
    1,
    'dashboard-month',
    'undated',
    'CloudWatch dashboard (first 3 per account free, not applied here)',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // undated
  logIngestionGb: price(
    'logIngestionGb',
    0.5,
    1,
    'GB',
    'undated',
    'CloudWatch Logs ingestion (standard)',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
  // as of 2026-06
  snsPublish: price(
    'snsPublish',
    0.5,
    1_000_000,
    'publish',
    '2026-06',
    'SNS publishes',
    'https://aws.amazon.com/sns/pricing/',
  ),
  // as of 2026-06
  snsEmailDelivery: price(
    'snsEmailDelivery',
    2,
    100_000,
    'delivery',
    '2026-06',
    'SNS email deliveries',
    'https://aws.amazon.com/sns/pricing/',
  ),
  // as of 2026-06
  snsHttpsDelivery: price(
    'snsHttpsDelivery',
    0.6,
    1_000_000,
    'delivery',
    '2026-06',
    'SNS HTTP/S deliveries',
    'https://aws.amazon.com/sns/pricing/',
  ),
  // undated
  secretMonth: price(
    'secretMonth',
    0.4,
    1,
    'secret-month',
    'undated',
    'Secrets Manager secret, replicas billed as secrets',
    'https://aws.amazon.com/secrets-manager/pricing/',
  ),
  // undated
  secretsManagerApiCall: price(
    'secretsManagerApiCall',
    0.05,
    10_000,
    'API call',
    'undated',
    'Secrets Manager API calls',
    'https://aws.amazon.com/secrets-manager/pricing/',
  ),
  // undated
  kmsKeyMonth: price(
    'kmsKeyMonth',
    1.0,
    1,
    'key-month',
    'undated',
    'KMS customer-managed key (the deployment creates one per region for the alarm topic, one for the notification topic)',
    'https://aws.amazon.com/kms/pricing/',
  ),
  // undated
  kmsRequest: price(
    'kmsRequest',
    0.03,
    10_000,
    'request',
    'undated',
    'KMS requests (a key of your own that encrypts a secret is yours and not counted)',
    'https://aws.amazon.com/kms/pricing/',
  ),
  // as of 2024: plus the Lambda, S3 and CloudWatch charges a canary also incurs (not counted)
  syntheticsCanaryRun: price(
    'syntheticsCanaryRun',
    0.0012,
    1,
    'canary run',
    '2024',
    'CloudWatch Synthetics canary run (100 free per month, not applied here)',
    'https://aws.amazon.com/cloudwatch/pricing/',
  ),
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;
