import { IANAZone } from 'luxon';

/**
 * Low-level calendar and zone arithmetic shared by `local-time.ts` and the availability sweep.
 * Not re-exported from the package: callers use the validated functions in `local-time.ts`.
 *
 * Two representations keep the hot paths cheap:
 * - a calendar date is a "day number": the epoch milliseconds of its midnight read as if it
 *   were UTC. Calendar arithmetic on it is zone-free, so plain integer maths is exact.
 * - a wall time is "wall ms": day number + minutes since midnight, again read as if UTC.
 *   The instant of a wall time is `wall ms - offset`, where the offset is luxon's, in the zone.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** UTC offsets of all zones lie within [-12 h, +14 h]; instants of a wall time lie in this window. */
const MAX_OFFSET_BEHIND_MS = 12 * HOUR_MS;
const MAX_OFFSET_AHEAD_MS = 14 * HOUR_MS;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/**
 * IANA names are Area/Location words or a bare name such as 'UTC'. Filtering the shape first
 * keeps offset strings ('+03:00', 'UTC+3') out even where a newer Intl would accept them.
 */
const ZONE_NAME_RE = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

/**
 * Offsets per zone and UTC day: the offsets at the day's two ends and, when they differ, the one
 * transition between them (NaN when the day holds more than one). tz rules do not change while the
 * process runs, so entries never go stale; the map is simply emptied when it grows large.
 */
const offsetDays = new Map<string, readonly [number, number, number]>();
const OFFSET_DAY_CACHE_LIMIT = 20_000;

/**
 * An IANA zone whose offsets come from {@link offsetDays}. luxon asks a zone for its offset on
 * every DateTime it builds, moves or sets, and an IANAZone answers each one by formatting the
 * instant with Intl (microseconds): planning a series' messages made hundreds of such calls. Two
 * Intl readings per zone and day (a binary search on the few transition days) answer all the
 * others by a comparison, with exactly the values luxon's own zone gives.
 */
export class CachedIANAZone extends IANAZone {
  override offset(ts: number): number {
    if (!Number.isFinite(ts)) return super.offset(ts);
    const day = Math.floor(ts / DAY_MS) * DAY_MS;
    const key = `${this.name}|${day}`;
    let edges = offsetDays.get(key);
    if (!edges) {
      if (offsetDays.size >= OFFSET_DAY_CACHE_LIMIT) offsetDays.clear();
      const before = super.offset(day);
      const after = super.offset(day + DAY_MS);
      const uncached = (t: number) => super.offset(t);
      edges = [before, after, before === after ? NaN : singleTransition({ offset: uncached }, day, day + DAY_MS, before, after)];
      offsetDays.set(key, edges);
    }
    const [before, after, transition] = edges;
    if (before === after) return before;
    if (Number.isNaN(transition)) return super.offset(ts);
    return ts < transition ? before : after;
  }
}

/**
 * Valid zones seen so far. luxon's `isValidZone` builds a new Intl formatter on every call (tens
 * of microseconds), too slow for a check on each availability query. Only valid names are kept,
 * so the cache stays bounded by the tz database however much junk callers send.
 */
const validZones = new Map<string, IANAZone>();

/** The luxon zone for an IANA name, or null when the name is not a valid IANA zone. */
export function zoneOf(name: string): IANAZone | null {
  const known = validZones.get(name);
  if (known) return known;
  if (typeof name !== 'string' || !ZONE_NAME_RE.test(name) || !IANAZone.isValidZone(name)) {
    return null;
  }
  const zone = new CachedIANAZone(name);
  validZones.set(name, zone);
  return zone;
}

/**
 * luxon's own rule (its `fixOffset`, behind `DateTime#set`, `#plus` and `#startOf`) for the
 * instant of wall ms `localTs` given a guessed offset `o` (minutes): returns that instant and the
 * offset luxon then reads the wall clock with. Replicated, not approximated, so arithmetic on
 * wall ms gives exactly the instants the luxon calls it replaces gave, DST gaps included.
 */
export function fixOffset(zone: Pick<IANAZone, 'offset'>, localTs: number, o: number): [number, number] {
  let utcGuess = localTs - o * MINUTE_MS;
  const o2 = zone.offset(utcGuess);
  if (o === o2) return [utcGuess, o];
  utcGuess -= (o2 - o) * MINUTE_MS;
  const o3 = zone.offset(utcGuess);
  if (o2 === o3) return [utcGuess, o2];
  return [localTs - Math.min(o2, o3) * MINUTE_MS, Math.max(o2, o3)];
}

/** Day number of a 'YYYY-MM-DD' calendar date, or null when malformed or not a real date. */
export function parseDay(date: string): number | null {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March and maps years < 100 to 19xx: the round trip catches both.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return null;
  }
  return ms;
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDay(dayMs: number): string {
  return new Date(dayMs).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday .. 7 = Sunday) of a day number. */
export function weekdayOfDay(dayMs: number): number {
  const sundayZero = new Date(dayMs).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/** Minutes since midnight of an 'HH:mm' wall time (00:00–23:59), or null when malformed. */
export function parseMinuteOfDay(time: string): number | null {
  const m = typeof time === 'string' ? TIME_RE.exec(time) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Wall ms (see file comment) of an instant in a zone. */
export function wallOfInstant(zone: IANAZone, ms: number): number {
  return ms + zone.offset(ms) * MINUTE_MS;
}

/** Where a wall time lands: its instant, and whether the wall time itself does not exist. */
export interface ResolvedWall {
  /** The earlier occurrence of a repeated wall time; for a wall time in a gap, the gap's end. */
  instant: number;
  inGap: boolean;
}

/**
 * Resolves wall ms in a zone. Candidate offsets are the ones in force at both ends of the window
 * the instant must lie in; a candidate is real when the zone agrees with it at the instant it
 * gives. Two real candidates = fall-back repeat (the earlier instant wins), none = spring-forward
 * gap. Assumes at most one offset change within 26 hours, which holds for every tzdb zone.
 */
export function resolveWall(zone: IANAZone, wallMs: number): ResolvedWall {
  const before = zone.offset(wallMs - MAX_OFFSET_AHEAD_MS);
  const after = zone.offset(wallMs + MAX_OFFSET_BEHIND_MS);
  let best = Number.POSITIVE_INFINITY;
  for (const candidate of before === after ? [before] : [before, after]) {
    const instant = wallMs - candidate * MINUTE_MS;
    if (zone.offset(instant) === candidate && instant < best) best = instant;
  }
  if (best !== Number.POSITIVE_INFINITY) return { instant: best, inGap: false };
  return { instant: gapEnd(zone, wallMs, before, after), inGap: true };
}

/**
 * The transition instant that swallowed a wall time. Read with the later offset the wall time
 * lands before the transition, read with the earlier offset after it; tzdb transitions fall on
 * whole minutes, so a binary search over minutes between the two finds it exactly.
 */
function gapEnd(zone: IANAZone, wallMs: number, before: number, after: number): number {
  let lo = Math.floor((wallMs - after * MINUTE_MS) / MINUTE_MS);
  let hi = Math.ceil((wallMs - before * MINUTE_MS) / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid * MINUTE_MS) === before) lo = mid;
    else hi = mid;
  }
  return hi * MINUTE_MS;
}

/**
 * Per zone and day: the offsets at both ends of the day's window and, on a transition day, the
 * transition instant (NaN when the window holds more than one change). tz rules do not change
 * while the process runs, so entries never go stale; the map is simply emptied when it grows large.
 */
const dayEdges = new Map<string, readonly [number, number, number]>();
const DAY_EDGE_CACHE_LIMIT = 10_000;

/**
 * A resolver for the wall times of one local day (minute 0 .. 1440, where 1440 is the next
 * midnight). Every wall time is plain arithmetic: on the ~363 days a year without an offset
 * change one offset applies; on a transition day the transition instant is found once (a binary
 * search of ~12 zone lookups) and each wall time is then read against it — luxon's offset
 * lookups cost microseconds each, far too many for every slot of a clock-change day.
 */
export function dayResolver(zone: IANAZone, dayMs: number): (minuteOfDay: number) => ResolvedWall {
  const key = `${zone.name}|${dayMs}`;
  let edges = dayEdges.get(key);
  if (!edges) {
    if (dayEdges.size >= DAY_EDGE_CACHE_LIMIT) dayEdges.clear();
    const windowStart = dayMs - MAX_OFFSET_AHEAD_MS;
    const windowEnd = dayMs + DAY_MS + MAX_OFFSET_BEHIND_MS;
    const before = zone.offset(windowStart);
    const after = zone.offset(windowEnd);
    edges = [before, after, before === after ? NaN : singleTransition(zone, windowStart, windowEnd, before, after)];
    dayEdges.set(key, edges);
  }
  const [before, after, transition] = edges;
  if (before === after) {
    const shift = dayMs - before * MINUTE_MS;
    return (minute) => ({ instant: shift + minute * MINUTE_MS, inGap: false });
  }
  if (Number.isNaN(transition)) return (minute) => resolveWall(zone, dayMs + minute * MINUTE_MS);
  // The same rules as resolveWall with the offset known on each side of the one transition.
  return (minute) => {
    const wallMs = dayMs + minute * MINUTE_MS;
    const early = wallMs - before * MINUTE_MS;
    const late = wallMs - after * MINUTE_MS;
    const earlyReal = early < transition;
    const lateReal = late >= transition;
    if (earlyReal && lateReal) return { instant: Math.min(early, late), inGap: false };
    if (earlyReal) return { instant: early, inGap: false };
    if (lateReal) return { instant: late, inGap: false };
    return { instant: transition, inGap: true };
  };
}

/**
 * The instant in (from, to] where the offset changes from `before` to `after`, when that is the
 * only change in the window; NaN otherwise. tzdb transitions fall on whole minutes.
 */
function singleTransition(zone: Pick<IANAZone, 'offset'>, from: number, to: number, before: number, after: number): number {
  let lo = Math.floor(from / MINUTE_MS);
  let hi = Math.ceil(to / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid * MINUTE_MS) === before) lo = mid;
    else hi = mid;
  }
  const at = hi * MINUTE_MS;
  // Hourly samples catch a second change (the search above assumes one); then callers fall back.
  for (let t = from; t <= to; t += HOUR_MS) if (zone.offset(t) !== (t < at ? before : after)) return NaN;
  return zone.offset(at) === after ? at : NaN;
}
