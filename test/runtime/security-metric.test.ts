import { describe, expect, it } from 'vitest';
import { buildMetricData } from '../../functions/runtime/probe/metrics.js';
import { failResult, passResult, SCHEDULED } from './fixtures.js';

const options = { scheduledTime: SCHEDULED, gaugeThresholdDays: 14 };
const variantExchange = (name: string, status: number) => ({
  name,
  method: 'GET',
  url: 'https://api/x',
  status,
  timings: { totalMs: 9 },
});
/** The series the Security alarm reads: Failures {Probe, Code} (the {Probe, Stage, Code} copy is for dashboards). */
const securityData = (data: ReturnType<typeof buildMetricData>) =>
  data.filter(
    (d) =>
      d.Dimensions?.some((x) => x.Name === 'Code' && x.Value === 'accepts_invalid_token') &&
      !d.Dimensions.some((x) => x.Name === 'Stage'),
  );

describe('buildMetricData with fail-open checks (steps[].rejects)', () => {
  it('publishes Failures{Code=accepts_invalid_token} = 0 on a run whose variants were all refused, so the Security alarm can go back to OK', () => {
    const base = passResult();
    const result = passResult({
      exchanges: [...base.exchanges, variantExchange('list-invoices:missing_token', 401)],
    });

    const data = buildMetricData(result, options);

    expect(securityData(data).map((d) => [d.MetricName, d.Value])).toEqual([['Failures', 0]]);
  });

  it('publishes it as 1 when the API accepted a variant', () => {
    const result = failResult({
      stage: 'api',
      code: 'accepts_invalid_token',
      exchanges: [variantExchange('list-invoices:garbage_token', 200)],
    });

    const data = buildMetricData(result, options);

    expect(securityData(data).map((d) => [d.MetricName, d.Value])).toEqual([['Failures', 1]]);
  });

  it('publishes nothing for it when no variant was sent (a probe without rejects, or a run that broke earlier)', () => {
    expect(securityData(buildMetricData(passResult(), options))).toEqual([]);
    expect(securityData(buildMetricData(failResult(), options))).toEqual([]);
  });

  it('never publishes StepLatency for a variant exchange', () => {
    const base = passResult();
    const result = passResult({ exchanges: [...base.exchanges, variantExchange('list-invoices:alg_none', 401)] });

    const steps = buildMetricData(result, options)
      .filter((d) => d.MetricName === 'StepLatency')
      .map((d) => d.Dimensions?.find((x) => x.Name === 'Step')?.Value);

    expect(steps).toEqual(['list-invoices']);
  });
});
