import { describe, expect, it } from 'vitest';
import { rateMinutes, runsPerMonth, scheduleProblem } from '../../functions/config/schedule.js';

describe('scheduleProblem', () => {
  it.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(2 days)',
    'cron(0/5 * * * ? *)',
    'cron(0 12 * * ? *)',
    'cron(30 0/2 * * ? *)',
    'cron(* * * * ? *)',
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
    ['cron(0/10 8-17 ? * MON-FRI *)', 'day-of-week "MON-FRI"'],
    ['cron(0 12 ? * MON-FRI *)', 'day-of-week "MON-FRI"'],
    ['cron(0/10 * 1-15 * ? *)', 'day-of-month "1-15"'],
    ['cron(0/10 * * JAN-JUN ? *)', 'month'],
    ['cron(0/10 8-17 * * ? *)', 'hours "8-17"'],
    ['cron(0/5 9 * * ? *)', 'runs bunch within the hour'],
    ['cron(0 0/5 * * ? *)', 'hours "0/5"'],
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

  it('counts only the days a cron runs on: weekdays, days of the month, months', () => {
    // 6 runs an hour × 10 hours × 30 × 5/7 weekdays
    expect(runsPerMonth('cron(0/10 8-17 ? * MON-FRI *)')).toBe(Math.round(60 * ((30 * 5) / 7)));
    expect(runsPerMonth('cron(0/10 * ? * MON-FRI *)')).toBe(Math.round(144 * ((30 * 5) / 7)));
    expect(runsPerMonth('cron(0 12 ? * 2-6 *)')).toBe(runsPerMonth('cron(0 12 ? * MON-FRI *)'));
    expect(runsPerMonth('cron(0 0 1,15 * ? *)')).toBe(2);
    expect(runsPerMonth('cron(0 0 L * ? *)')).toBe(1);
    expect(runsPerMonth('cron(0 0 ? * MON#2 *)')).toBe(1);
    expect(runsPerMonth('cron(0 * * JAN-JUN ? *)')).toBe(24 * 15);
  });

  it('refuses a planned gap with a message that names the alternative', () => {
    expect(scheduleProblem('cron(0/10 8-17 ? * MON-FRI *)')).toContain('rate(10 minutes)');
  });
});
