/**
 * The deployment plan, the one front door: what a config deploys (stacks, shards, alarms with their
 * severity and targets, routing, quotas, runs and requests per month), computed once. lib/ renders it;
 * `validate`, `cost`, `notify-preview` and the docs read it. Pure and synchronous; no aws-cdk-lib, no
 * AWS SDK, no zod of its own (it reads the parsed config).
 */
export {
  type AlarmMetricRead,
  alarmProperties,
  globalAlarm,
  type MathAlarmDefinition,
  stoppedAlarm,
  stoppedDetectionMinutes,
} from './alarm-expressions.js';
export {
  type Delivery,
  hasSecurityAlarm,
  LATENCY_PERIOD_MINUTES,
  type LatencyRequest,
  latencyRequests,
  MAX_LATENCY_TARGETS,
  type PlannedAlarm,
  type PlannedAlarmKind,
  type Severity,
  THROTTLES_ALARM_PERIOD_MINUTES,
} from './alarms.js';
export {
  type CapacityOptions,
  DEFAULT_QUOTAS,
  MAX_RESERVATION_AT_DEFAULT_QUOTA,
  MIN_UNRESERVED_CONCURRENCY,
  RESERVED_CONCURRENCY_FLOOR,
  type RegionCapacity,
  regionCapacity,
  reservedConcurrencyFor,
} from './capacity.js';
export { DASHBOARD_LAYOUT, type DashboardGroupPlan, shardOf } from './layout.js';
export { BUDGETS, QUOTAS } from './limits.js';
export {
  alarmsOfProbe,
  type DeploymentPlan,
  type ProbeRegionUsage,
  planDeployment,
  type RegionPlan,
  requestsPerRun,
  type ShardPlan,
  stackNames,
} from './plan.js';
export {
  type PlannedConfig,
  type PreparedDeployment,
  type PrepareOptions,
  planConfig,
  prepareDeployment,
} from './prepare.js';
export { type QuotaProblem, secretPolicyChars, templateProblems } from './quotas.js';
export { authServerOf, channelSecretIds, type RoutingPlan, routingPlan, type TopicSubscription } from './routing.js';
export { alarmKindLabel, type RoutingRow, routingTable } from './summary.js';
export {
  type IdentityProviderBudget,
  tokenBudget,
  tokenBudgetWarnings,
  tokenRequestsPerRegion,
} from './token-budget.js';
export { type ColdStartModel, coldStartsPerMonth, DEFAULT_COLD_START_MODEL } from './usage.js';
export {
  NEVER_RAN_MARGIN_MINUTES,
  neverRanGraceMinutes,
  type WatchdogPlan,
  type WatchedNotifierPlan,
  watchdogPlan,
} from './watchdog.js';
