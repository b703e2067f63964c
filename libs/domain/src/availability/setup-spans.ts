import { addDays } from '../time/local-time';
import { isSchedulingDate, schedulingYearsMessage } from '../time/scheduling-years';

/** A refused field of a clinic set-up change. */
export interface SpanError {
  path: string;
  message: string;
}

/** The longest staff shift. */
export const MAX_SHIFT_MS = 24 * 3_600_000;

/**
 * The longest closure, both dates included: a longer one is a clinic out of service, not a
 * closure (and often a typo in a year).
 */
export const MAX_CLOSURE_DAYS = 366;

/** Why a staff shift over [start, end) (epoch ms) cannot be recorded: the first broken rule, or null. */
export function shiftSpanError(start: number, end: number): SpanError | null {
  if (end <= start) return { path: 'endsAt', message: 'endsAt must be after startsAt' };
  if (end - start > MAX_SHIFT_MS) return { path: 'endsAt', message: 'a shift lasts at most 24 hours' };
  return null;
}

/**
 * Why a closure of the local dates [startDate, endDate] (both `YYYY-MM-DD`, both included) cannot
 * be recorded: the first broken rule, or null.
 */
export function closureSpanError(startDate: string, endDate: string): SpanError | null {
  for (const [path, date] of [
    ['startDate', startDate],
    ['endDate', endDate],
  ] as const) {
    if (!isSchedulingDate(date)) return { path, message: schedulingYearsMessage(path) };
  }
  if (endDate < startDate) return { path: 'endDate', message: 'endDate must not be before startDate' };
  if (endDate > addDays(startDate, MAX_CLOSURE_DAYS - 1)) {
    return { path: 'endDate', message: `a closure lasts at most ${MAX_CLOSURE_DAYS} days` };
  }
  return null;
}
