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
 * Runs per 30-day month of an expression (for the cost estimate): a cron expression's runs per day
 * (minute and hour fields) times the days it runs on in an average 30-day month (day-of-week,
 * day-of-month and month fields: `MON-FRI` is 30 × 5/7 days).
 */
export function runsPerMonth(expression: string): number {
  const minutes = rateMinutes(expression);
  if (minutes !== undefined) return Math.floor((30 * 24 * 60) / minutes);
  const cron = CRON.exec(expression.trim());
  if (!cron) return 0;
  const [minuteField = '*', hourField = '*', dayOfMonth = '*', month = '*', dayOfWeek = '?'] = cron[1]!
    .trim()
    .split(/\s+/);
  const perDay = countField(minuteField, 60) * countField(hourField, 24);
  return Math.round(perDay * daysPerMonth(dayOfMonth, month, dayOfWeek));
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Days of an average 30-day month on which a cron expression runs. */
function daysPerMonth(dayOfMonth: string, month: string, dayOfWeek: string): number {
  let days = 30;
  if (isEvery(dayOfWeek) && !isEvery(dayOfMonth)) {
    // `L`, `15W`: one day each.
    const plain = dayOfMonth.split(',').filter((part) => !/[LW]/i.test(part));
    const special = dayOfMonth.split(',').length - plain.length;
    days = Math.min(30, (plain.length ? countField(plain.join(','), 31, 1) : 0) + special);
  } else if (!isEvery(dayOfWeek)) {
    // `MON#2`, `6L`: one day a month each; plain weekdays: 30/7 days each.
    const parts = dayOfWeek.toUpperCase().split(',');
    const plain = parts.filter((part) => !/[#L]/.test(part));
    const special = parts.length - plain.length;
    const weekdays = plain.length ? countField(numbered(plain.join(','), WEEKDAYS, 1), 7, 1) : 0;
    days = Math.min(30, (30 * weekdays) / 7 + special);
  }
  if (!isEvery(month)) days *= countField(numbered(month.toUpperCase(), MONTHS, 1), 12, 1) / 12;
  return days;
}

function isEvery(field: string): boolean {
  return field === '*' || field === '?';
}

/** `MON-FRI` → `2-6` (names to their cron numbers). */
function numbered(field: string, names: string[], first: number): string {
  return field.replace(/[A-Z]{3}/g, (name) => String(names.indexOf(name) + first));
}

/** Values a cron field takes; `first` is its lowest value (0 for minutes and hours, 1 for days and months). */
function countField(field: string, size: number, first = 0): number {
  if (field === '*' || field === '?') return size;
  let count = 0;
  for (const part of field.split(',')) {
    const step = /^(\*|\d+)(?:-(\d+))?\/(\d+)$/.exec(part);
    if (step) {
      const start = step[1] === '*' ? first : Number(step[1]);
      const end = step[2] !== undefined ? Number(step[2]) : first + size - 1;
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
    return plannedGap(fields);
  }
  return 'expected "rate(N minutes|hours|days)" or "cron(min hour day-of-month month day-of-week year)", e.g. "rate(1 minute)"';
}

/**
 * Why a cron expression has planned gaps (nights, weekends, some hours only), or undefined when its runs
 * are evenly spaced around the clock. The Stopped alarm expects one run per period at all times, so a
 * gap would raise it every night or weekend: such schedules are refused (a false page every evening
 * is worse than no schedule), with the alternative in the message.
 */
export function plannedGap(fields: string[]): string | undefined {
  const [minutes = '*', hours = '*', dayOfMonth = '*', month = '*', dayOfWeek = '?', year = '*'] = fields;
  const expression = `cron(${fields.join(' ')})`;
  const refuse = (what: string) =>
    `${expression} has planned gaps (${what}): the Stopped alarm expects a run in every period around the clock and would fire during each gap. Use a schedule with even runs every day, e.g. "rate(10 minutes)" or "cron(0/10 * * * ? *)"; to stop probing outside some hours, disable the probe's schedule instead of encoding the gap in it.`;
  if (!isEvery(dayOfWeek)) return refuse(`it runs on some days only: day-of-week "${dayOfWeek}"`);
  if (!isEvery(dayOfMonth)) return refuse(`it runs on some days only: day-of-month "${dayOfMonth}"`);
  if (!isEvery(month)) return refuse('it runs in some months only: month');
  if (!isEvery(year)) return refuse('it runs in some years only: year');
  const everyHour = hours === '*' || hours === '*/1' || hours === '0/1';
  const evenHours = everyHour || /^\d+$/.test(hours) || evenStep(hours, 24);
  if (!evenHours) return refuse(`it runs in some hours only: hours "${hours}"`);
  const singleMinute = /^\d+$/.test(minutes);
  if (everyHour ? !(singleMinute || minutes === '*' || evenStep(minutes, 60)) : !singleMinute) {
    return refuse(`runs bunch within the hour: minutes "${minutes}" with hours "${hours}"`);
  }
  return undefined;
}

/** `*\/n` or `0/n` where n divides the field's size: evenly spaced, also across the wrap-around. */
function evenStep(field: string, size: number): boolean {
  const step = /^(\*|0)\/(\d+)$/.exec(field);
  return step !== null && Number(step[2]) > 0 && size % Number(step[2]) === 0;
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
