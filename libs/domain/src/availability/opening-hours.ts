import { DAY_MS, MINUTE_MS, dayResolver, wallOfInstant, weekdayOfDay } from '../time/zone-math';
import { isClosedDay, type PreparedCapacity } from './capacity-input';

/**
 * Opening intervals and the slot grid of one local date.
 *
 * An opening interval is [instant of `opens`, instant of `closes`) on that date, with the
 * domain's wall-time rules: a repeated (fall-back) wall time is its earlier occurrence, and a
 * boundary inside a spring-forward gap is the instant the gap ends ("opens 02:30" on the
 * transition day opens at 03:00). Reading both boundaries this way keeps wall order and instant
 * order the same, so "wall time within [opens, closes)" and "instant within the interval" agree.
 */
export interface OpeningInterval {
  start: number;
  end: number;
}

/** A grid start and the opening interval whose hours hold its whole chair time. */
export interface GridStart {
  start: number;
  interval: OpeningInterval;
}

/** The opening intervals of a local date (day number); [] when closed or without hours. */
export function openingIntervals(prepared: PreparedCapacity, day: number): OpeningInterval[] {
  if (isClosedDay(prepared, day)) return [];
  const hours = prepared.hoursByWeekday[weekdayOfDay(day)];
  if (hours.length === 0) return [];
  const resolve = dayResolver(prepared.zone, day);
  const out: OpeningInterval[] = [];
  for (const h of hours) {
    const start = resolve(h.opens).instant;
    const end = resolve(h.closes).instant;
    // Both boundaries inside one gap leave nothing open.
    if (end > start) out.push({ start, end });
  }
  return out;
}

/**
 * Grid starts of one local date whose chair time [start, start + chairMs) fits inside one
 * opening interval: wall times at midnight + k × slotMinutes within [opens, closes), skipping
 * wall times in a gap, each repeated wall time once (its earlier occurrence). Sorted, unique.
 */
export function gridStartsOfDay(prepared: PreparedCapacity, day: number, chairMs: number): GridStart[] {
  if (isClosedDay(prepared, day)) return [];
  const hours = prepared.hoursByWeekday[weekdayOfDay(day)];
  if (hours.length === 0) return [];
  const resolve = dayResolver(prepared.zone, day);
  const slot = prepared.slotMinutes;
  const out: GridStart[] = [];
  for (const h of hours) {
    const interval = { start: resolve(h.opens).instant, end: resolve(h.closes).instant };
    if (interval.end <= interval.start) continue;
    for (let minute = Math.ceil(h.opens / slot) * slot; minute < h.closes; minute += slot) {
      const wall = resolve(minute);
      if (wall.inGap) continue;
      // Walls only move later, so the first start that overruns closing ends this interval.
      if (wall.instant + chairMs > interval.end) break;
      out.push({ start: wall.instant, interval });
    }
  }
  if (hours.length > 1) {
    // Overlapping weekly intervals can offer a start twice: keep it once, attributed to the
    // earliest-opening (then latest-closing) interval that holds it.
    out.sort((a, b) => a.start - b.start || a.interval.start - b.interval.start || b.interval.end - a.interval.end);
    return out.filter((g, i) => i === 0 || out[i - 1].start !== g.start);
  }
  return out;
}

/** Where an instant sits on the clinic's wall clock: its local date and minute of the day. */
export interface WallPosition {
  day: number;
  /** Minutes (possibly fractional) since local midnight. */
  minute: number;
  /** False for the later occurrence of a repeated wall time (the grid offers only the earlier). */
  firstOccurrence: boolean;
}

export function wallPosition(prepared: PreparedCapacity, instant: number): WallPosition {
  const wall = wallOfInstant(prepared.zone, instant);
  const day = Math.floor(wall / DAY_MS) * DAY_MS;
  const minute = (wall - day) / MINUTE_MS;
  // Reading the wall time back gives the earlier occurrence; a later one does not round-trip.
  const firstOccurrence = dayResolver(prepared.zone, day)(minute).instant === instant;
  return { day, minute, firstOccurrence };
}
