import { DAY_MS, MINUTE_MS } from '../time/zone-math';
import type { CapacitySummary, ClinicCapacity } from './availability.types';
import { prepareCapacity, prepareRange } from './capacity-input';
import { intersectionMeasure, measure, mergeIntervals, mergedByKey, subtractIntervals, type Interval } from './interval-set';
import { openingIntervals } from './opening-hours';

/**
 * Chair capacity over the local dates [fromDate, toDate] (inclusive).
 *
 * - `openChairMinutes`: for every chair, the minutes inside opening hours of dates that are not
 *   closed (overlapping weekly intervals counted once), minus that chair's blocks.
 * - `bookedChairMinutes`: the chair time [start, chairReleasedAt) of bookings on listed chairs,
 *   clipped to that same open time (so overlapping bookings count once and utilization ≤ 1).
 * - `utilization`: booked / open, 0 when nothing is open.
 *
 * Minutes are real minutes: a DST day's opening hours count what the clock actually ran.
 */
export function capacitySummary(capacity: ClinicCapacity, fromDate: string, toDate: string): CapacitySummary {
  const prepared = prepareCapacity(capacity);
  const { fromDay, toDay } = prepareRange(fromDate, toDate);
  const hours: Interval[] = [];
  for (let day = fromDay; day <= toDay; day += DAY_MS) hours.push(...openingIntervals(prepared, day));
  const open = mergeIntervals(hours);

  const blocks = mergedByKey(
    capacity.chairBlocks,
    (k) => k.chairId,
    (k) => ({ start: k.start, end: k.end }),
  );
  const booked = mergedByKey(
    capacity.bookings,
    (b) => b.chairId,
    (b) => ({ start: b.start, end: b.chairReleasedAt }),
  );

  let openMs = 0;
  let bookedMs = 0;
  for (const chair of new Set(capacity.chairs.map((c) => c.id))) {
    const chairOpen = subtractIntervals(open, blocks.get(chair) ?? []);
    openMs += measure(chairOpen);
    bookedMs += intersectionMeasure(chairOpen, booked.get(chair) ?? []);
  }
  return {
    openChairMinutes: openMs / MINUTE_MS,
    bookedChairMinutes: bookedMs / MINUTE_MS,
    utilization: openMs > 0 ? bookedMs / openMs : 0,
  };
}
