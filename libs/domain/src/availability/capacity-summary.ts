import { DAY_MS, MINUTE_MS } from '../time/zone-math';
import type { CapacitySummary, ClinicCapacity } from './availability.types';
import { prepareCapacity, prepareRange } from './capacity-input';
import { DateTime } from 'luxon';
import { measure, mergeIntervals, mergedByKey, subtractIntervals, type Interval } from './interval-set';
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
  let openMs = 0;
  let bookedMs = 0;
  for (const chair of chairTime(capacity, fromDate, toDate)) {
    openMs += measure(chair.open);
    bookedMs += measure(chair.booked);
  }
  return {
    openChairMinutes: openMs / MINUTE_MS,
    bookedChairMinutes: bookedMs / MINUTE_MS,
    utilization: openMs > 0 ? bookedMs / openMs : 0,
  };
}

/** One cell of {@link utilizationByHour}: an ISO weekday (1 = Monday) and a local hour. */
export interface HourUtilization extends CapacitySummary {
  weekday: number;
  hour: number;
}

/**
 * {@link capacitySummary} split by the clinic's local weekday and hour of day, summed over the
 * dates: which hours of the week the chairs are full and which stand empty. Only cells with open
 * chair time are listed, Monday 00:00 first. On a DST day the repeated or skipped hour counts the
 * real minutes the clock ran in it.
 */
export function utilizationByHour(capacity: ClinicCapacity, fromDate: string, toDate: string): HourUtilization[] {
  const cells = new Map<number, { open: number; booked: number }>();
  const add = (intervals: Interval[], field: 'open' | 'booked') => {
    for (const iv of intervals) {
      let t = iv.start;
      while (t < iv.end) {
        const local = DateTime.fromMillis(t, { zone: capacity.zone });
        const next = Math.min(iv.end, local.startOf('hour').plus({ hours: 1 }).toMillis());
        const key = local.weekday * 24 + local.hour;
        const cell = cells.get(key) ?? { open: 0, booked: 0 };
        cell[field] += next - t;
        cells.set(key, cell);
        t = next;
      }
    }
  };
  for (const chair of chairTime(capacity, fromDate, toDate)) {
    add(chair.open, 'open');
    add(chair.booked, 'booked');
  }
  return [...cells.entries()]
    .filter(([, c]) => c.open > 0)
    .sort(([a], [b]) => a - b)
    .map(([key, c]) => ({
      weekday: Math.floor(key / 24),
      hour: key % 24,
      openChairMinutes: c.open / MINUTE_MS,
      bookedChairMinutes: c.booked / MINUTE_MS,
      utilization: c.booked / c.open,
    }));
}

/**
 * Each chair's open time over the dates — opening hours of dates not closed (overlapping weekly
 * intervals once), minus its blocks — and the part of it its bookings' chair time covers
 * (overlapping bookings once), so booked ≤ open.
 */
function chairTime(capacity: ClinicCapacity, fromDate: string, toDate: string): { open: Interval[]; booked: Interval[] }[] {
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
  return [...new Set(capacity.chairs.map((c) => c.id))].map((chair) => {
    const chairOpen = subtractIntervals(open, blocks.get(chair) ?? []);
    return { open: chairOpen, booked: subtractIntervals(chairOpen, subtractIntervals(chairOpen, booked.get(chair) ?? [])) };
  });
}
