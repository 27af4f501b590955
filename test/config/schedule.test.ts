import { describe, expect, it } from 'vitest';
import { rateMinutes, runsPerMonth, scheduleProblem } from '../../functions/config/schedule.js';

describe('scheduleProblem', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(2 days)',
    'cron(0/5 * * * ? *)',
    'cron(0 12 ? * MON-FRI *)',
  ])('accepts %s', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ['rate(1 minutes)', 'singular unit'],
    ['rate(5 minute)', 'plural unit'],
    ['rate(0 minutes)', 'at least 1'],
    ['cron(0/5 * * * *)', '6 fields'],
    ['cron(0 12 * * * *)', 'exactly one of day-of-month and day-of-week'],
    ['every 5 minutes', 'expected "rate('],
  ])('rejects %s (%s)', (expression, fragment) => {
    expect(scheduleProblem(expression)).toContain(fragment);
  });
});

describe('runsPerMonth', () => {
  it('counts 43,200 runs a month for a 1-minute rate', () => {
    expect(runsPerMonth('rate(1 minute)')).toBe(43_200);
    expect(rateMinutes('rate(2 hours)')).toBe(120);
  });

  it('estimates cron expressions from their minute and hour fields', () => {
    expect(runsPerMonth('cron(0/5 * * * ? *)')).toBe(12 * 24 * 30);
    expect(runsPerMonth('cron(0 9-17 ? * * *)')).toBe(9 * 30);
  });
});
