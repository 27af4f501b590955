/**
 * Cross-field rules checked on the values a probe really runs with, after defaults cascade (probe →
 * `defaults` → documented default): `degradedMs: 20000` under the default 10,000 ms timeout is as
 * wrong as under an explicit one, since its latency alarm could never fire. Each problem names the
 * field that set the value (the probe's own, or `defaults.*`, or the documented default) and the fix.
 */
import type { ConfigProblem } from './problems.js';
import { resolveProbe } from './resolve.js';
import type { ProbeConfig, ProbesConfig } from './schema.js';

/**
 * The longest run the probe function can finish: Lambda's 15 minutes less the margin the CDK app adds
 * for the cold start, secret read and metric publishing (lib/ TIMEOUT_MARGIN).
 */
export const MAX_DEADLINE_MS = 900_000 - 15_000;

/** Where a probe's effective value comes from, for messages. */
function origin(probeValue: unknown, defaultsValue: unknown, path: string, field: string): string {
  if (probeValue !== undefined) return `${path}.${field}`;
  if (defaultsValue !== undefined) return `defaults.${field}`;
  return `the default ${field}`;
}

export function effectiveProblems(config: ProbesConfig, probe: ProbeConfig, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const resolved = resolveProbe(config, probe);
  const timeout = resolved.timeoutMs;
  const timeoutFrom = origin(probe.timeoutMs, config.defaults?.timeoutMs, path, 'timeoutMs');
  const degradedFrom = origin(probe.degradedMs, config.defaults?.degradedMs, path, 'degradedMs');

  if (probe.deadlineMs !== undefined && probe.deadlineMs < timeout) {
    problems.push({
      path: `${path}.deadlineMs`,
      message: `must be at least timeoutMs (${timeout}${timeoutFrom.startsWith(path) ? '' : `, from ${timeoutFrom}`}): the whole run cannot be shorter than one request`,
    });
  }
  if (resolved.deadlineMs > MAX_DEADLINE_MS) {
    problems.push({
      path: `${path}.deadlineMs`,
      message: `is ${resolved.deadlineMs} ms, longer than the probe function can run (Lambda's 15 minutes less 15 s for start-up and publishing: ${MAX_DEADLINE_MS} ms): lower it`,
    });
  }
  if (resolved.degradedMs !== undefined && resolved.degradedMs >= timeout) {
    problems.push({
      path: probe.degradedMs !== undefined ? `${path}.degradedMs` : 'defaults.degradedMs',
      message: `${resolved.degradedMs} ms (${degradedFrom}) is not below the timeout of probe "${probe.name}", ${timeout} ms (${timeoutFrom}): a request is degraded before it times out, so its latency alarm could never fire; lower degradedMs or raise timeoutMs`,
    });
  }
  const tokenDegraded = probe.token?.degradedMs;
  if (tokenDegraded !== undefined && tokenDegraded >= timeout) {
    problems.push({
      path: `${path}.token.degradedMs`,
      message: `${tokenDegraded} ms is not below the token request's timeout, ${timeout} ms (${timeoutFrom}): lower token.degradedMs or raise timeoutMs`,
    });
  }
  probe.steps.forEach((step, index) => {
    const stepTimeout = step.timeoutMs ?? timeout;
    const stepDegraded = step.degradedMs ?? resolved.degradedMs;
    if (stepDegraded === undefined || stepDegraded < stepTimeout) return;
    // Report the inherited value once at the probe (above) unless the step's own timeout makes it wrong.
    if (step.degradedMs === undefined && step.timeoutMs === undefined) return;
    const stepPath = `${path}.steps[${index}]`;
    problems.push({
      path: step.degradedMs !== undefined ? `${stepPath}.degradedMs` : `${stepPath}.timeoutMs`,
      message: `step "${step.name}" is degraded above ${stepDegraded} ms (${step.degradedMs !== undefined ? `${stepPath}.degradedMs` : degradedFrom}) but times out at ${stepTimeout} ms (${step.timeoutMs !== undefined ? `${stepPath}.timeoutMs` : timeoutFrom}): set its degradedMs below its timeoutMs`,
    });
  });
  const a = resolved.alarms;
  const ownBlock = probe.alarms?.datapointsToAlarm !== undefined && probe.alarms.evaluationPeriods !== undefined;
  const topBlock =
    probe.alarms?.datapointsToAlarm === undefined &&
    probe.alarms?.evaluationPeriods === undefined &&
    config.alarms?.datapointsToAlarm !== undefined &&
    config.alarms.evaluationPeriods !== undefined;
  // A block that sets both is checked where it is written (load.ts); here, values from two places.
  if (a.datapointsToAlarm > a.evaluationPeriods && !ownBlock && !topBlock) {
    problems.push({
      path: `${path}.alarms.${probe.alarms?.datapointsToAlarm !== undefined ? 'datapointsToAlarm' : 'evaluationPeriods'}`,
      message: `datapointsToAlarm (${a.datapointsToAlarm}) must be at most evaluationPeriods (${a.evaluationPeriods}) once "alarms" defaults apply: set both on the probe, or change the top-level "alarms"`,
    });
  }
  return problems;
}
