import { isoWeekIndex, isoWeekday, localDay, wallClockReader } from '../protocols/calendar';
import type { Protocol } from '../protocols/protocol.types';
import type { ParsedPreferences } from './plan-input';
import type { CandidateSlot } from './planning.types';

/** One way to place one visit: a candidate start in one chair, read on the clinic's wall clock. */
export interface Placement {
  start: number;
  end: number;
  released: number;
  chairId: string;
  /** Local calendar day and minutes since local midnight of `start`. */
  day: number;
  minute: number;
  /** Index of the first preferred window holding the start (0 without windows). */
  windowRank: number;
  /** Chair minutes this placement strands (the candidate's `fragmentation[chairId]`, ≥ 0). */
  frag: number;
}

/**
 * What the search steps over. Spacing rules only read dates, so normally a unit is one local day
 * holding every placement of that day ("dates mode"). When two visits of one plan could share a
 * date (no `minGapDays` or repeat window keeps them apart) or a chair time runs past midnight, a unit is one
 * candidate slot instead ("slots mode"), so the search can also keep same-day visits apart.
 */
export interface Unit {
  index: number;
  day: number;
  /** ISO week of `day` (see isoWeekIndex). */
  week: number;
  /** Slots mode: the slot's start and release. Dates mode: the day's earliest start and latest release. */
  start: number;
  released: number;
  /** Sorted by start, then chair id. */
  placements: Placement[];
}

export interface SearchSpace {
  /** Sorted by day, then start. */
  units: Unit[];
  slotsMode: boolean;
  /** Local day of the anchor, when one was given. */
  anchorDay?: number;
}

export interface SpaceOptions {
  protocol: Protocol;
  zone: string;
  earliestStart: number;
  candidates: CandidateSlot[];
  prefs: ParsedPreferences;
  anchor?: number;
}

/**
 * Turns candidate slots into the search space: applies the hard filters (earliest start, the
 * patient's weekdays and time windows, after the anchor for repeat protocols), splits slots into
 * one placement per chair, and groups them into units. Input order does not matter: everything is
 * sorted, and a chair offered twice at one start is kept once (the shorter chair time).
 */
export function buildSearchSpace(o: SpaceOptions): SearchSpace {
  const { prefs } = o;
  const afterAnchor = o.protocol.rules.repeat && o.anchor !== undefined ? o.anchor : -Infinity;
  const kept = o.candidates.filter((c) => c.start >= o.earliestStart && c.start > afterAnchor && c.chairIds.length > 0);
  const anchorDay = o.anchor === undefined ? undefined : localDay(o.anchor, o.zone);
  if (kept.length === 0) return { units: [], slotsMode: false, anchorDay };

  let lo = Infinity;
  let hi = -Infinity;
  for (const c of kept) {
    lo = Math.min(lo, c.start);
    hi = Math.max(hi, c.chairReleasedAt);
  }
  const wall = wallClockReader(o.zone, lo, hi);
  const placements: Placement[] = [];
  let crossesMidnight = false;
  for (const c of kept) {
    const { day, minute } = wall(c.start);
    if (prefs.weekdays && !prefs.weekdays.has(isoWeekday(day))) continue;
    let windowRank = 0;
    if (prefs.windows) {
      windowRank = prefs.windows.findIndex((w) => minute >= w.from && minute < w.to);
      if (windowRank < 0) continue;
    }
    // A chair time that ends after local midnight could meet a visit on the next date.
    if (wall(c.chairReleasedAt - 1).day !== day) crossesMidnight = true;
    for (const chairId of c.chairIds) {
      const f = c.fragmentation?.[chairId];
      const frag = typeof f === 'number' && Number.isFinite(f) && f > 0 ? f : 0;
      placements.push({ start: c.start, end: c.end, released: c.chairReleasedAt, chairId, day, minute, windowRank, frag });
    }
  }
  placements.sort(
    (a, b) => a.start - b.start || cmpStr(a.chairId, b.chairId) || a.end - b.end || a.released - b.released || a.frag - b.frag,
  );
  const unique = placements.filter((p, i) => i === 0 || p.start !== placements[i - 1].start || p.chairId !== placements[i - 1].chairId);

  // Rules that force visits onto different dates (a gap or a repeat window of a day or more) let a
  // day be the unit; a single visit never meets another.
  const rules = o.protocol.rules;
  const apartDays = Math.max(rules.minGapDays ?? 0, rules.repeat?.windowMinDays ?? 0);
  const slotsMode = rules.visitCount > 1 && (apartDays < 1 || crossesMidnight);
  const groups = new Map<string, Placement[]>();
  for (const p of unique) {
    const key = slotsMode ? `${p.start}/${p.end}/${p.released}` : `${p.day}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const units: Unit[] = [...groups.values()].map((ps) => ({
    index: 0,
    day: ps[0].day,
    week: isoWeekIndex(ps[0].day),
    start: Math.min(...ps.map((p) => p.start)),
    released: Math.max(...ps.map((p) => p.released)),
    placements: ps,
  }));
  units.sort((a, b) => a.day - b.day || a.start - b.start || a.released - b.released);
  units.forEach((u, i) => (u.index = i));
  return { units, slotsMode, anchorDay };
}

/** Plain code-unit order: deterministic, unlike localeCompare. */
export function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first unit whose day is ≥ `day` (units.length when none). */
export function firstUnitFrom(units: Unit[], day: number): number {
  let lo = 0;
  let hi = units.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (units[mid].day < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
