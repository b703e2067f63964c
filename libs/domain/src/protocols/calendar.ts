import type { IANAZone } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { CachedIANAZone } from '../time/zone-math';

/**
 * Clinic-local calendar arithmetic for the protocol rules and the planner. Deliberately private
 * to protocols/ and planning/ (not re-exported from the package) until the shared time module is
 * wired in; the names would clash with it.
 *
 * A local calendar date is handled as a "day": the integer count of days since 1970-01-01 of that
 * date. Differences and weekdays of days are plain integer maths, exact across daylight saving,
 * because the zone is applied once, when an instant is read on the clinic's wall clock.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** luxon re-validates a zone name with a fresh Intl formatter on each call; only valid names are cached. */
const zones = new Map<string, IANAZone>();

/**
 * The luxon zone for an IANA name. Offset notations ('+03:00') are refused: a clinic zone must
 * carry its daylight-saving rules. Throws `DomainError('validation')` with `path: 'zone'`.
 */
export function clinicZone(name: string): IANAZone {
  const known = zones.get(name);
  if (known) return known;
  if (typeof name !== 'string' || !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) || !CachedIANAZone.isValidZone(name)) {
    throw new DomainError('validation', `"${String(name)}" is not an IANA time zone`, { path: 'zone' });
  }
  // Offsets from a per-day cache (see CachedIANAZone): rules and the planner read many instants.
  const zone = new CachedIANAZone(name);
  zones.set(name, zone);
  return zone;
}

/** The day of a 'YYYY-MM-DD' date, or null when malformed or not a real date (2027-02-30). */
export function parseDate(date: string): number | null {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return Math.round(ms / DAY_MS);
}

/** 'YYYY-MM-DD' of a day. */
export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day: 1 = Monday .. 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** A number shared by all days of one ISO week (Monday to Sunday) and by no other day. */
export function isoWeekIndex(day: number): number {
  return Math.floor((day + 3) / 7);
}

/** '2027-W10': the ISO week-numbering year and week of a day, for messages. */
export function isoWeekKey(day: number): string {
  // The ISO year of a week is the calendar year of its Thursday.
  const thursday = day - (isoWeekday(day) - 1) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Wall-clock reading of an instant: its local day and minutes since local midnight. */
export interface WallTime {
  day: number;
  minute: number;
}

/** Reads one instant on the clinic's wall clock (luxon, explicit zone). */
export function wallTimeOf(instant: number, zone: string): WallTime {
  return wallOf(instant + clinicZone(zone).offset(instant) * MINUTE_MS);
}

function wallOf(wall: number): WallTime {
  const day = Math.floor(wall / DAY_MS);
  return { day, minute: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
}

/** Local calendar day of an instant in the zone. */
export function localDay(instant: number, zone: string): number {
  return wallTimeOf(instant, zone).day;
}

/** Local 'YYYY-MM-DD' of an instant in the zone. */
export function localDate(instant: number, zone: string): string {
  return formatDate(localDay(instant, zone));
}

/** Local calendar days from instant `a` to instant `b` (negative when `b` is on an earlier date). */
export function calendarDaysBetween(a: number, b: number, zone: string): number {
  return localDay(b, zone) - localDay(a, zone);
}

/**
 * A fast wall-clock reader for many instants in [from, to]. luxon's offset lookup costs ~5 µs
 * (an Intl formatToParts call), too slow for thousands of candidate slots per plan request, so
 * the offset transitions of the range are located once (sampled every 6 hours, then bisected to
 * the millisecond) and each reading is then a lookup. Exact as long as a zone never changes its
 * offset twice within 6 hours, which no zone in the tz database does.
 */
export function wallClockReader(zone: string, from: number, to: number): (instant: number) => WallTime {
  const z = clinicZone(zone);
  if (!(from <= to)) return (instant) => wallTimeOf(instant, zone);
  const step = 6 * HOUR_MS;
  // changes[i]: from this instant on, the offset is offsets[i] minutes.
  const changes: number[] = [-Infinity];
  const offsets: number[] = [z.offset(from)];
  let prevT = from;
  let prevOffset = offsets[0];
  for (let t = Math.min(from + step, to); ; t = Math.min(t + step, to)) {
    const o = z.offset(t);
    if (o !== prevOffset) {
      let lo = prevT; // offset(lo) === prevOffset
      let hi = t; // offset(hi) === o
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (z.offset(mid) === prevOffset) lo = mid;
        else hi = mid;
      }
      changes.push(hi);
      offsets.push(o);
      prevOffset = o;
    }
    prevT = t;
    if (t >= to) break;
  }
  return (instant: number): WallTime => {
    if (instant < from || instant > to) return wallTimeOf(instant, zone);
    let i = changes.length - 1;
    while (changes[i] > instant) i--;
    return wallOf(instant + offsets[i] * MINUTE_MS);
  };
}
