import { phaseWeeks } from '../protocols/protocol-rules';
import type { Protocol, RepeatRule } from '../protocols/protocol.types';
import { firstUnitFrom, type SearchSpace, type Unit } from './search-space';

/**
 * The protocol's day rules as steps from one visit to the next, for the search. They mirror
 * validateSeries (which still checks every finished plan): a plan built only from allowed steps
 * satisfies every rule, and every valid series is a chain of allowed steps.
 *
 * The state a step needs is small: the previous unit, how many visits its ISO week already holds,
 * and the first visit's day `d1` (span and course weeks count from it).
 */
export interface StepRules {
  visitCount: number;
  minGap: number;
  /** Infinity when the protocol has no weekly cap; then the week count is not tracked (stays 0). */
  maxPerWeek: number;
  span: number;
  /** Course week of each visit (index 0 = sequence 1) for phased protocols. */
  weeks: number[] | null;
  repeat: RepeatRule | undefined;
  anchorDay: number | undefined;
  slotsMode: boolean;
}

export function stepRules(protocol: Protocol, space: SearchSpace): StepRules {
  const r = protocol.rules;
  return {
    visitCount: r.visitCount,
    minGap: r.minGapDays ?? 0,
    maxPerWeek: r.maxPerIsoWeek ?? Infinity,
    span: r.maxSpanDays ?? Infinity,
    weeks: phaseWeeks(r),
    repeat: r.repeat,
    anchorDay: space.anchorDay,
    slotsMode: space.slotsMode,
  };
}

/** Week count of a series whose only visit is on `u`. */
export const firstCount = (r: StepRules): number => (r.maxPerWeek === Infinity ? 0 : 1);

/** Repeat deviation of the first visit on `u`, or -1 when the anchor's window rules it out. */
export function firstStep(r: StepRules, u: Unit): number {
  if (!r.repeat || r.anchorDay === undefined) return 0;
  const days = u.day - r.anchorDay;
  if (days < r.repeat.windowMinDays || days > r.repeat.windowMaxDays) return -1;
  return Math.abs(days - r.repeat.intervalDays);
}

/**
 * Visit `i` (0-based, ≥ 1) on unit `b` after visit i−1 on unit `a`, whose ISO week already held
 * `count` visits, in a series first visited on day `d1`. Returns the new week count, or -1 when
 * a rule forbids the step.
 */
export function nextStep(r: StepRules, a: Unit, b: Unit, i: number, count: number, d1: number): number {
  const days = b.day - a.day;
  if (days < r.minGap || b.day - d1 > r.span) return -1;
  // Visits never overlap: this also orders same-day visits in slots mode.
  if (b.start < a.released || b.index <= a.index) return -1;
  if (r.repeat && (days < r.repeat.windowMinDays || days > r.repeat.windowMaxDays)) return -1;
  if (r.weeks && Math.floor((b.day - d1) / 7) + 1 !== r.weeks[i]) return -1;
  if (r.maxPerWeek === Infinity) return 0;
  const next = b.week === a.week ? count + 1 : 1;
  return next > r.maxPerWeek ? -1 : next;
}

/** Repeat deviation added by a step from `a` to `b`. */
export function stepDeviation(r: StepRules, a: Unit, b: Unit): number {
  return r.repeat ? Math.abs(b.day - a.day - r.repeat.intervalDays) : 0;
}

/** Range of unit indexes [from, to) that may hold visit `i` after unit `a` (a superset; nextStep decides). */
export function nextRange(r: StepRules, units: Unit[], a: Unit, i: number, d1: number, maxDay: number): [number, number] {
  let lo = a.day + Math.max(r.minGap, r.repeat?.windowMinDays ?? 0);
  let hi = Math.min(maxDay, d1 + r.span, a.day + (r.repeat?.windowMaxDays ?? Infinity));
  if (r.weeks) {
    lo = Math.max(lo, d1 + 7 * (r.weeks[i] - 1));
    hi = Math.min(hi, d1 + 7 * r.weeks[i] - 1);
  }
  if (lo > hi) return [0, 0];
  return [Math.max(firstUnitFrom(units, lo), a.index + 1), firstUnitFrom(units, hi + 1)];
}

/**
 * First days searched together. Span and course weeks count from the first visit, so with either
 * rule each first day is its own search; without them `d1` matters to no rule and one search
 * seeded from every first day does (`d1` is then just the group's first day).
 */
export function firstDayGroups(r: StepRules, days: number[]): number[][] {
  if (days.length === 0) return [];
  return r.span === Infinity && !r.weeks ? [days] : days.map((d) => [d]);
}

/** Indexes of the units on the given ascending days, below `beforeIndex`. */
export function unitsOnDays(units: Unit[], days: number[], beforeIndex = units.length): number[] {
  const out: number[] = [];
  for (const day of days) for (let ui = firstUnitFrom(units, day); ui < beforeIndex && units[ui].day === day; ui++) out.push(ui);
  return out;
}

/** What the search knows about a unit as the last visit of a valid series. */
export interface LastReach {
  /** Least repeat deviation of any valid series ending on the unit (0 without a repeat rule). */
  deviation: number;
  /** First-visit days from which a valid series reaches the unit, ascending (all first days when no rule reads `d1`). */
  firstDays: number[];
}

/**
 * For every unit, whether some valid date series (ignoring times and chairs) ends on it, from
 * which first days, and with what least repeat deviation. A forward dynamic programme per first
 * day over (unit, week count) states; it lets the plan search skip last visits no series reaches
 * and bound the rank of those it does.
 */
export function reachLastUnits(
  r: StepRules,
  space: SearchSpace,
  firstDayOk: (day: number) => boolean = () => true,
): Map<number, LastReach> {
  const { units } = space;
  const width = r.maxPerWeek === Infinity ? 1 : r.maxPerWeek + 1;
  const out = new Map<number, LastReach>();
  const days = [...new Set(units.map((u) => u.day))].filter(firstDayOk);
  const lastDay = units.length > 0 ? units[units.length - 1].day : 0;
  let layer = new Float64Array(units.length * width);
  let next = new Float64Array(units.length * width);
  for (const group of firstDayGroups(r, days)) {
    const d1 = group[0];
    layer.fill(Infinity);
    let live: number[] = [];
    for (const ui of unitsOnDays(units, group)) {
      const dev = firstStep(r, units[ui]);
      if (dev < 0) continue;
      const key = ui * width + firstCount(r);
      layer[key] = dev;
      live.push(key);
    }
    for (let i = 1; i < r.visitCount && live.length > 0; i++) {
      next.fill(Infinity);
      const born: number[] = [];
      for (const key of live) {
        const a = units[Math.floor(key / width)];
        const count = key % width;
        const [from, to] = nextRange(r, units, a, i, d1, lastDay);
        for (let bi = from; bi < to; bi++) {
          const c = nextStep(r, a, units[bi], i, count, d1);
          if (c < 0) continue;
          const nk = bi * width + c;
          const dev = layer[key] + stepDeviation(r, a, units[bi]);
          if (next[nk] === Infinity) born.push(nk);
          if (dev < next[nk]) next[nk] = dev;
        }
      }
      [layer, next] = [next, layer];
      live = born;
    }
    for (const key of live) {
      const ui = Math.floor(key / width);
      const seen = out.get(ui);
      if (!seen) out.set(ui, { deviation: layer[key], firstDays: [...group] });
      else {
        seen.deviation = Math.min(seen.deviation, layer[key]);
        if (seen.firstDays[seen.firstDays.length - 1] !== d1) seen.firstDays.push(d1);
      }
    }
  }
  return out;
}
