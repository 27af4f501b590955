/**
 * The AWS quotas a deployment can hit, and the budgets the plan keeps below them. Constants only, so
 * that the plan's parts (layout, checks) and lib/ share them without depending on each other.
 */

/** The published quotas (default values; none of these is adjustable except where noted). */
export const QUOTAS = {
  /** CloudFormation: resources per stack (a nested stack counts as one in its parent). */
  stackResources: 500,
  /** CloudFormation: template body uploaded through the bootstrap bucket (CDK always uploads). */
  templateBytes: 1_048_576,
  stackOutputs: 200,
  stackParameters: 200,
  /** CloudWatch: Period x EvaluationPeriods, when the period is below one hour. */
  evaluationMinutesShort: 24 * 60,
  /** CloudWatch: Period x EvaluationPeriods, with hourly or longer periods. */
  evaluationMinutesLong: 7 * 24 * 60,
  /** CloudWatch: metrics in an alarm's metric math (the global alarm has one per region). */
  metricsPerAlarm: 10,
  /** CloudWatch dashboard: alarms in one alarm-status widget (the dashboard splits them into widgets of this many). */
  alarmsPerStatusWidget: 100,
  /** CloudWatch dashboard: widgets in one dashboard. */
  widgetsPerDashboard: 500,
  /** EventBridge Scheduler: target Input, characters. */
  schedulerInputChars: 8192,
  /** Lambda: all environment variable keys and values, bytes. */
  lambdaEnvironmentBytes: 4096,
  /** IAM: inline policies of one role, characters (whitespace excluded). */
  iamInlinePolicyChars: 10_240,
} as const;

/**
 * What we allow ourselves: 80 % of the CloudFormation quotas, so that a construct added later (an SLO
 * alarm per probe, a mute rule) or CDK metadata does not push a stack over; a dashboard body below the
 * template budget (it lives in a template).
 */
export const BUDGETS = {
  stackResources: 400,
  templateBytes: 800_000,
  dashboardBodyBytes: 400_000,
  /**
   * The notifier's routing table, a JSON file in a Lambda layer read once per container: far below the
   * layer limit, and what a container parses in a few milliseconds (1,000 probes with their own routes
   * take about 0.3 MB).
   */
  routesFileBytes: 5_000_000,
} as const;
