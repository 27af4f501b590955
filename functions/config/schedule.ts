/**
 * EventBridge Scheduler expressions, checked at load (and so at synth) time: a schedule that the
 * service would reject at deploy time, or one too frequent to be a probe, is a config problem.
 */

const RATE = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^)]+)\)$/;

/** How many minutes between two runs of a rate expression; undefined for cron. */
export function rateMinutes(expression: string): number | undefined {
  const match = RATE.exec(expression.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]!;
  if (unit.startsWith('minute')) return value;
  if (unit.startsWith('hour')) return value * 60;
  return value * 1440;
}

/**
 * Runs per 30-day month of an expression (for the cost estimate). Cron expressions are estimated from
 * their minute and hour fields; day fields are taken as "every day".
 */
export function runsPerMonth(expression: string): number {
  const minutes = rateMinutes(expression);
  if (minutes !== undefined) return Math.floor((30 * 24 * 60) / minutes);
  const cron = CRON.exec(expression.trim());
  if (!cron) return 0;
  const [minuteField = '*', hourField = '*'] = cron[1]!.trim().split(/\s+/);
  return countField(minuteField, 60) * countField(hourField, 24) * 30;
}

function countField(field: string, size: number): number {
  if (field === '*' || field === '?') return size;
  let count = 0;
  for (const part of field.split(',')) {
    const step = /^(\*|\d+)(?:-(\d+))?\/(\d+)$/.exec(part);
    if (step) {
      const start = step[1] === '*' ? 0 : Number(step[1]);
      const end = step[2] !== undefined ? Number(step[2]) : size - 1;
      count += Math.floor((end - start) / Number(step[3])) + 1;
      continue;
    }
    const range = /^(\d+)-(\d+)$/.exec(part);
    count += range ? Number(range[2]) - Number(range[1]) + 1 : 1;
  }
  return count;
}

/** Why an expression is not usable, or undefined when it is fine. */
export function scheduleProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  const rate = RATE.exec(trimmed);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) return 'rate must be at least 1';
    if (value === 1 && unit.endsWith('s')) return `write "rate(1 ${unit.slice(0, -1)})" (singular unit for 1)`;
    if (value > 1 && !unit.endsWith('s')) return `write "rate(${value} ${unit}s)" (plural unit above 1)`;
    return undefined;
  }
  const cron = CRON.exec(trimmed);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6)
      return 'cron() takes 6 fields: minutes hours day-of-month month day-of-week year, e.g. cron(0/5 * * * ? *)';
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === '?') === (dayOfWeek === '?'))
      return 'cron(): exactly one of day-of-month and day-of-week must be "?"';
    return undefined;
  }
  return 'expected "rate(N minutes|hours|days)" or "cron(min hour day-of-month month day-of-week year)", e.g. "rate(1 minute)"';
}

/** CloudWatch rejects alarm periods above one day. */
const MAX_PERIOD_MINUTES = 24 * 60;
/** When a cron expression's cadence cannot be estimated. */
export const CRON_FALLBACK_MINUTES = 5;

/**
 * Minutes between two runs: the rate for `rate(...)`; for `cron(...)` the average interval over a
 * month (so an hourly cron gets hourly periods instead of 5-minute ones in which the "stopped" alarm
 * would see no run most of the time), else 5 minutes. At least 1 minute, at most 1 day.
 */
export function scheduleIntervalMinutes(expression: string): number {
  const rate = rateMinutes(expression);
  let minutes: number;
  if (rate !== undefined) {
    minutes = rate;
  } else {
    const runs = runsPerMonth(expression);
    minutes = runs > 0 ? Math.ceil((30 * 24 * 60) / runs) : CRON_FALLBACK_MINUTES;
  }
  return Math.min(Math.max(1, minutes), MAX_PERIOD_MINUTES);
}
