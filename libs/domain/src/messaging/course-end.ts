/** A visit of a course as the course-end rule reads it (instants in epoch ms). */
export interface CourseEndVisit {
  id: string;
  kind: string;
  status: string;
  startsAt: number;
  /** Planned: the visit's booked end plus turnover. */
  chairReleasedAt: number;
  version: number;
}

/** The course's end: its last live induction visit and the instant the course-end offsets count from. */
export interface CourseEnd {
  visitId: string;
  visitKind: string;
  visitStart: number;
  visitVersion: number;
  at: number;
}

/** Visit statuses that still take place (or took place): a cancelled or missed visit ends nothing. */
export const COURSE_END_LIVE_STATUSES: readonly string[] = ['booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged'];

/**
 * The end of an induction course: the **planned chair release** of its last live visit (latest
 * start; equal starts broken by id, so the answer never depends on row order).
 *
 * Why the planned release and not the actual discharge: it is known when the series is booked, so
 * the PHQ-9 check-ins and booster reminders are in the patient's plan (and visible to staff) from
 * the start, and the offsets are calendar days — a discharge an hour late lands on the same day.
 * Why the last *live* visit: when the last visit is rescheduled, cancelled or missed, the course
 * ends with whichever visit is now last, and the messages are planned again from it.
 *
 * @param induction false for courses that are not an induction series (boosters, maintenance):
 *   they have no course end, only their visits' own messages
 * @returns null when the course is cancelled, not an induction, or has no live visit
 */
export function courseEnd(course: { status: string; induction: boolean }, visits: readonly CourseEndVisit[]): CourseEnd | null {
  if (!course.induction || course.status === 'cancelled') return null;
  let last: CourseEndVisit | null = null;
  for (const v of visits) {
    if (!COURSE_END_LIVE_STATUSES.includes(v.status)) continue;
    if (!last || v.startsAt > last.startsAt || (v.startsAt === last.startsAt && v.id > last.id)) last = v;
  }
  if (!last) return null;
  return { visitId: last.id, visitKind: last.kind, visitStart: last.startsAt, visitVersion: last.version, at: last.chairReleasedAt };
}
