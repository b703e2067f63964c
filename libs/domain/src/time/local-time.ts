import { DateTime, type IANAZone } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { DAY_MS, MINUTE_MS, formatDay, parseDay, parseMinuteOfDay, resolveWall, wallOfInstant, weekdayOfDay, zoneOf } from './zone-math';

/** Wall ms of 1000-01-01 and 10000-01-01: between them a date formats as plain `YYYY-MM-DD`. */
const MIN_FAST_WALL = Date.UTC(1000, 0, 1);
const MAX_FAST_WALL = Date.UTC(10000, 0, 1);

/**
 * Clinic-local time. Instants are epoch milliseconds; local dates are 'YYYY-MM-DD', wall times
 * 'HH:mm' (24 h), weekdays ISO (1 = Monday .. 7 = Sunday). Every zone is an IANA name.
 *
 * Daylight-saving rules, applied everywhere in the domain:
 * - a wall time inside a spring-forward gap does not exist: {@link localToInstant} refuses it
 *   with reason 'dst-gap', never shifting it silently;
 * - a wall time that occurs twice (fall-back) means its EARLIER occurrence. luxon on its own
 *   picks the later one, so the rule is implemented here, not inherited.
 */

/** Result of reading an instant on the clinic's wall clock. */
export interface LocalTime {
  date: string;
  time: string;
  /** ISO weekday, 1 = Monday .. 7 = Sunday. */
  weekday: number;
}

/**
 * True when `zone` is an IANA time zone name ('Europe/Berlin', 'UTC'). Empty strings, unknown
 * names and offset notations ('+03:00', 'UTC+3') are refused: a clinic's zone must carry its
 * daylight-saving rules, which an offset does not.
 */
export function isValidZone(zone: string): boolean {
  return zoneOf(zone) !== null;
}

/**
 * The instant a clinic-local wall time denotes.
 *
 * - A wall time in a spring-forward gap (e.g. 02:30 on 2027-03-14 in America/New_York) throws
 *   `DomainError('validation')` with `details.reason = 'dst-gap'`.
 * - A wall time that occurs twice on a fall-back day (01:30 on 2027-11-07 in New York) resolves
 *   to its EARLIER occurrence (01:30 EDT, 05:30Z), the one a patient reaches first.
 * - Malformed input throws with reason 'invalid-date', 'invalid-time' or 'invalid-zone'.
 */
export function localToInstant(date: string, time: string, zone: string): number {
  const resolved = resolveChecked(date, time, zone);
  if (resolved.inGap) {
    throw new DomainError('validation', `${date} ${time} does not exist in ${zone} (daylight-saving gap)`, {
      path: 'time',
      reason: 'dst-gap',
    });
  }
  return resolved.instant;
}

/**
 * True when the wall time does not exist on that date in that zone (spring-forward gap).
 * Malformed input throws like {@link localToInstant}.
 */
export function isWallTimeInGap(date: string, time: string, zone: string): boolean {
  return resolveChecked(date, time, zone).inGap;
}

/**
 * Like {@link localToInstant} but never refuses a gap: a wall time in a gap gives the instant
 * the gap ends (the first instant whose wall time is later). Meant for boundaries such as an
 * opening time, where "open from 02:30" on a spring-forward day sensibly means "from 03:00".
 */
export function resolveLocalTime(date: string, time: string, zone: string): { instant: number; inGap: boolean } {
  return resolveChecked(date, time, zone);
}

/**
 * The first instant of a clinic-local date. Usually local midnight, but not always: where the
 * clocks spring forward AT midnight (America/Santiago on 2027-09-05, America/Havana on
 * 2027-03-14) the date has no 00:00 and begins at the gap's end (01:00). "From that date on" must
 * read it this way, never as the wall time 00:00, which {@link localToInstant} rightly refuses.
 */
export function localDayStart(date: string, zone: string): number {
  return resolveLocalTime(date, '00:00', zone).instant;
}

/**
 * The instants a clinic-local date begins and ends ({@link localDayStart} of it and of the next
 * date), so 23 or 25 hours on a DST-change day.
 */
export function localDayBounds(date: string, zone: string): { start: number; end: number } {
  return { start: localDayStart(date, zone), end: localDayStart(addDays(date, 1), zone) };
}

/** Reads an instant on the wall clock of `zone`. Throws 'invalid-zone' for a bad zone. */
export function instantToLocal(ms: number, zone: string): LocalTime {
  const z = requireZone(zone);
  if (!Number.isFinite(ms)) {
    throw new DomainError('validation', 'instant must be a finite number', { path: 'instant', reason: 'invalid-instant' });
  }
  // The wall clock by arithmetic (what luxon computes from the same offset), formatted by hand:
  // luxon parses its format strings on every call. Years outside 1000–9999 keep luxon's format.
  const wall = wallOfInstant(z, ms);
  const day = Math.floor(wall / DAY_MS) * DAY_MS;
  if (wall >= MIN_FAST_WALL && wall < MAX_FAST_WALL) {
    const minute = Math.floor((wall - day) / MINUTE_MS);
    const hh = Math.floor(minute / 60);
    const mm = minute % 60;
    return { date: formatDay(day), time: `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`, weekday: weekdayOfDay(day) };
  }
  const dt = DateTime.fromMillis(ms, { zone: z });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm'), weekday: dt.weekday };
}

/** Every local date from `fromDate` to `toDate`, both included; empty when `toDate` is earlier. */
export function localDateRange(fromDate: string, toDate: string): string[] {
  const from = requireDay(fromDate, 'fromDate');
  const to = requireDay(toDate, 'toDate');
  const out: string[] = [];
  for (let day = from; day <= to; day += DAY_MS) out.push(formatDay(day));
  return out;
}

/** The calendar date `n` days after `date` (negative `n` goes back). */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) {
    throw new DomainError('validation', 'days must be an integer', { path: 'days', reason: 'invalid-days' });
  }
  return formatDay(requireDay(date, 'date') + n * DAY_MS);
}

/**
 * Calendar days from `a` to `b` (`b - a`): 2027-03-13 → 2027-03-15 is 2, whatever the clocks did
 * in between. Protocol spacing rules ("start dates ≥ 2 calendar days apart") count these.
 */
export function daysBetween(a: string, b: string): number {
  return Math.round((requireDay(b, 'b') - requireDay(a, 'a')) / DAY_MS);
}

/** ISO weekday (1 = Monday .. 7 = Sunday) of a calendar date. */
export function isoWeekday(date: string): number {
  return weekdayOfDay(requireDay(date, 'date'));
}

/**
 * ISO week of a calendar date as 'YYYY-Www' ('2027-W10'); the year is the ISO week-numbering
 * year, so 2027-01-01 (a Friday) belongs to '2026-W53'.
 */
export function isoWeekKey(date: string): string {
  requireDay(date, 'date');
  // A calendar date has no zone; reading it in UTC keeps luxon from shifting it.
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

function resolveChecked(date: string, time: string, zone: string): { instant: number; inGap: boolean } {
  const day = requireDay(date, 'date');
  const minute = parseMinuteOfDay(time);
  if (minute === null) {
    throw new DomainError('validation', `'${String(time)}' is not an HH:mm wall time`, {
      path: 'time',
      reason: 'invalid-time',
    });
  }
  const resolved = resolveWall(requireZone(zone), day + minute * MINUTE_MS);
  return { instant: resolved.instant, inGap: resolved.inGap };
}

function requireDay(date: string, path: string): number {
  const day = parseDay(date);
  if (day === null) {
    throw new DomainError('validation', `'${String(date)}' is not a YYYY-MM-DD date`, {
      path,
      reason: 'invalid-date',
    });
  }
  return day;
}

function requireZone(zone: string): IANAZone {
  const z = zoneOf(zone);
  if (!z) {
    throw new DomainError('validation', `'${String(zone)}' is not an IANA time zone`, {
      path: 'zone',
      reason: 'invalid-zone',
    });
  }
  return z;
}
