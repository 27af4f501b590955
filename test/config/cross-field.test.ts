/**
 * Rules that need more than one field, checked at load time (validate, synth and `run` alike): the
 * `{{placeholders}}` of a probe's steps against what earlier steps extract, and thresholds on the values a
 * probe runs with once defaults cascade.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/load.js';
import { placeholderFindings } from '../../functions/config/placeholders.js';
import type { ProbeConfigInput, ProbesConfigInput } from '../../functions/config/schema.js';

const probe = (extra: Partial<ProbeConfigInput> = {}): ProbeConfigInput => ({
  name: 'billing-api',
  tokenUrl: 'https://auth.example.com/oauth/token',
  credentials: { secretId: 'oauth-probe/billing' },
  ...extra,
});

const problemsOf = (input: ProbesConfigInput) => {
  const result = parseConfig(input);
  return result.ok ? [] : result.problems;
};

const twoSteps = (placeholder: string) =>
  probe({
    steps: [
      {
        name: 'list-invoices',
        request: { url: 'https://api.example.com/v1/invoices' },
        extract: { invoiceId: 'data[0].id' },
      },
      { name: 'get-invoice', request: { url: `https://api.example.com/v1/invoices/{{${placeholder}}}` } },
    ],
  });

describe('{{placeholders}}', () => {
  it('accepts a placeholder an earlier step extracts', () => {
    expect(problemsOf({ probes: [twoSteps('invoiceId')] })).toEqual([]);
  });

  it('refuses a typo, naming the probe, the step, the placeholder and the near miss', () => {
    const problems = problemsOf({ probes: [twoSteps('invoiceID')] });

    expect(problems).toEqual([
      {
        path: 'probes[0].steps[1].request.url',
        message:
          '{{invoiceID}} in step "get-invoice" of probe "billing-api" has no value: earlier steps extract {{invoiceId}}. Did you mean {{invoiceId}}? Fix the name, or add it to the "extract" of an earlier step.',
      },
    ]);
  });

  it('refuses a placeholder that only a later step (or the step itself) extracts', () => {
    const config = probe({
      steps: [
        { name: 'a', request: { url: 'https://api.example.com/{{id}}' }, extract: { id: 'id' } },
        { name: 'b', request: { url: 'https://api.example.com/{{next}}' } },
        { name: 'c', request: { url: 'https://api.example.com/c' }, extract: { next: 'next' } },
      ],
    });

    const messages = problemsOf({ probes: [config] }).map((p) => p.message);

    expect(messages[0]).toContain('step "a" extracts it itself, after its request is sent');
    expect(messages[1]).toContain('step "c" extracts it, but runs later');
  });

  it('finds placeholders in header values and in JSON and string bodies', () => {
    const config = probe({
      steps: [
        {
          name: 'post',
          request: {
            method: 'POST',
            url: 'https://api.example.com/x',
            headers: { 'x-request': '{{requestId}}' },
            body: { items: [{ id: '{{itemId}}' }] },
          },
        },
      ],
    });

    expect(problemsOf({ probes: [config] }).map((p) => p.path)).toEqual([
      'probes[0].steps[0].request.headers.x-request',
      'probes[0].steps[0].request.body.items[0].id',
    ]);
  });

  it('reports an extracted name that no later step uses (a warning, not a problem)', () => {
    const config = probe({
      steps: [{ name: 'list', request: { url: 'https://api.example.com/x' }, extract: { unused: 'id' } }],
    });

    const findings = placeholderFindings(config as never, 'probes[0]');

    expect(findings.problems).toEqual([]);
    expect(findings.unused.map((u) => u.path)).toEqual(['probes[0].steps[0].extract.unused']);
  });
});

describe('thresholds on the effective values', () => {
  it('refuses degradedMs at or above the default timeout (10,000 ms), saying where each value comes from', () => {
    const problems = problemsOf({ probes: [probe({ degradedMs: 20_000 })] });

    expect(problems).toEqual([
      {
        path: 'probes[0].degradedMs',
        message:
          '20000 ms (probes[0].degradedMs) is not below the timeout of probe "billing-api", 10000 ms (the default timeoutMs): a request is degraded before it times out, so its latency alarm could never fire; lower degradedMs or raise timeoutMs',
      },
    ]);
  });

  it('accepts 9,999 ms under the default timeout', () => {
    expect(problemsOf({ probes: [probe({ degradedMs: 9_999 })] })).toEqual([]);
  });

  it('refuses defaults.degradedMs against a probe timeout, and a step timeout below the degraded threshold', () => {
    const problems = problemsOf({
      defaults: { degradedMs: 1500 },
      probes: [
        probe({ timeoutMs: 1000 }),
        probe({
          name: 'steps',
          steps: [{ name: 'quick', request: { url: 'https://api.example.com/x' }, timeoutMs: 1000 }],
        }),
      ],
    });

    expect(problems.map((p) => p.path)).toEqual(['defaults.degradedMs', 'probes[1].steps[0].timeoutMs']);
    expect(problems[1]!.message).toContain(
      'step "quick" is degraded above 1500 ms (defaults.degradedMs) but times out at 1000 ms',
    );
  });

  it('refuses token.degradedMs at the timeout and a deadline Lambda cannot reach', () => {
    const problems = problemsOf({
      probes: [probe({ timeoutMs: 2000, token: { degradedMs: 2000 }, deadlineMs: 890_000 })],
    });

    expect(problems.map((p) => p.path)).toEqual(['probes[0].deadlineMs', 'probes[0].token.degradedMs']);
  });

  it('checks datapointsToAlarm against evaluationPeriods across the top-level and probe blocks', () => {
    const problems = problemsOf({
      alarms: { datapointsToAlarm: 4 },
      probes: [probe({ alarms: { evaluationPeriods: 3 } })],
    });

    expect(problems.map((p) => p.path)).toEqual(['probes[0].alarms.evaluationPeriods']);
  });
});
