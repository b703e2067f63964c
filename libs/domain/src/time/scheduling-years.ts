/**
 * The years a scheduling date or instant may fall in. A clinic books weeks and months ahead and
 * records what happened in the past; a year like 0001 or 9999 is a typo, refused with a 400
 * naming the field rather than stored (year 9999 in New York is already year 10000 in UTC).
 */
export const SCHEDULING_YEARS = Object.freeze({ first: 2000, last: 2099 });

/** Whether a `YYYY-MM-DD` date falls in {@link SCHEDULING_YEARS}. */
export function isSchedulingDate(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return year >= SCHEDULING_YEARS.first && year <= SCHEDULING_YEARS.last;
}

/** Whether an instant (epoch ms) falls in {@link SCHEDULING_YEARS}, read in UTC. */
export function isSchedulingInstant(ms: number): boolean {
  if (!Number.isFinite(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= SCHEDULING_YEARS.first && year <= SCHEDULING_YEARS.last;
}

/** The message of a date or instant outside {@link SCHEDULING_YEARS}. */
export const schedulingYearsMessage = (path: string): string =>
  `${path} must fall in the years ${SCHEDULING_YEARS.first}–${SCHEDULING_YEARS.last}`;
