import { validateSeries } from './series-validator';
import type { Protocol, SeriesVisit, Violation } from './protocol.types';

/**
 * Validates a course's series after one of its visits moved (the series is passed with the moved
 * start already in place). A course whose visits were partly cancelled is a partial set: counts
 * become upper bounds, so only spacing, span, week and window rules can fail it.
 *
 * Shared by the reschedule guard and the waitlist's fitting, so "may this visit move there" has
 * one answer everywhere.
 */
export function validateMovedSeries(protocol: Protocol, series: SeriesVisit[], zone: string, anchor?: number): Violation[] {
  const complete = series.length === protocol.rules.visitCount;
  return validateSeries(protocol, series, zone, { anchor, requireComplete: complete }).filter(
    (v) => complete || (v.code !== 'sequence' && v.code !== 'visit-count'),
  );
}
