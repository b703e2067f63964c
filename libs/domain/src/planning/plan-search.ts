import { cmpStr, type Placement, type SearchSpace, type Unit } from './search-space';
import {
  firstCount,
  firstDayGroups,
  firstStep,
  nextRange,
  nextStep,
  reachLastUnits,
  stepDeviation,
  unitsOnDays,
  type LastReach,
  type StepRules,
} from './series-steps';

/**
 * Exact best-k plan search.
 *
 * A plan's rank key is [tier, repeat deviation, completion, off-time visits, off-chair visits,
 * window rank, time drift, fragmentation], then its starts, then its chair ids. Consistency is
 * measured against the LAST visit: completion pins that visit first, and with the reference fixed
 * every other term is a sum over visits (plus, for the deviation, over steps) — which is what
 * makes an exact search cheap:
 *
 * 1. `reachLastUnits` finds, from the date rules alone, which units can end a valid series, from
 *    which first days, and the least deviation of such a series.
 * 2. Candidate last visits are taken in order of (deviation bound, end). For each, a dynamic
 *    programme over (visit, unit, ISO-week count) keeps the k best partial series per state:
 *    every term of the key is additive once the last visit is fixed, so the best completions of a
 *    state do not depend on how it was reached (principle of optimality, ties included, because
 *    the starts/chairs tie-break compares prefixes first).
 * 3. The search stops as soon as the next last visit's (deviation bound, end) is worse than the
 *    k-th plan found: no later last visit can produce a better plan.
 *
 * Plans are distinct by their start times: a plan that differs from a better one only in chairs is
 * folded into it (the patient chooses times; which chair is the clinic's business), and within
 * one start the best chair is kept.
 */

/** Cost of a partial series: [deviation, off-time, off-chair, window rank, drift, fragmentation]. */
type Cost = number[];

/** A plan found, with its rank key [tier, deviation, completesAt, offTime, offChair, windowRank, drift, frag]. */
export interface FoundPlan {
  key: number[];
  picks: Placement[];
}

interface Partial {
  cost: Cost;
  picks: Placement[];
}

interface Option {
  cost: Cost;
  pick: Placement;
}

export interface SearchOptions {
  limit: number;
  /** Plans whose visits all start at one local time rank first. */
  sameTimeOfDay: boolean;
  /** Only series whose first visit falls on an accepted local day. */
  firstDayOk?: (day: number) => boolean;
}

/** The best `limit` plans, best first (see the module comment for the order). */
export function searchPlans(r: StepRules, space: SearchSpace, opts: SearchOptions): FoundPlan[] {
  const reach = reachLastUnits(r, space, opts.firstDayOk);
  if (!opts.sameTimeOfDay) return searchTier(r, space, reach, opts.limit, 0, false);
  const same = searchTier(r, space, reach, opts.limit, 0, true);
  if (same.length >= opts.limit) return same;
  // `same` holds every same-time plan when it is short of the limit, so the best plans that are
  // not same-time are among the unrestricted best `limit`.
  const rest = searchTier(r, space, reach, opts.limit, 1, false).filter((p) => p.key[3] > 0);
  return same.concat(rest.slice(0, opts.limit - same.length));
}

function searchTier(
  r: StepRules,
  space: SearchSpace,
  reach: Map<number, LastReach>,
  limit: number,
  tier: number,
  sameTime: boolean,
): FoundPlan[] {
  const lasts: { pick: Placement; unit: Unit; reach: LastReach }[] = [];
  for (const [ui, info] of reach) for (const pick of space.units[ui].placements) lasts.push({ pick, unit: space.units[ui], reach: info });
  lasts.sort(
    (a, b) =>
      a.reach.deviation - b.reach.deviation ||
      a.pick.end - b.pick.end ||
      a.pick.start - b.pick.start ||
      cmpStr(a.pick.chairId, b.pick.chairId),
  );
  const best = new BestPlans(limit);
  // Restricted to one time of day, a last unit and minute that found nothing will find nothing in another chair.
  const barren = new Set<string>();
  for (const last of lasts) {
    const worst = best.worstKey();
    if (worst && (last.reach.deviation > worst[1] || (last.reach.deviation === worst[1] && last.pick.end > worst[2]))) break;
    const tag = `${last.unit.index}/${last.pick.minute}`;
    if (sameTime && barren.has(tag)) continue;
    const wasFull = worst !== null;
    const found = endingAt(r, space, last.unit, last.pick, last.reach.firstDays, tier, sameTime, best);
    if (sameTime && found === 0 && !wasFull) barren.add(tag);
  }
  return best.list();
}

/** Compares cost vectors (or keys) lexicographically. */
function cmpNums(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Tie-break of equal costs: starts in sequence order, then chair ids. */
function cmpPicks(a: Placement[], b: Placement[]): number {
  for (let i = 0; i < a.length; i++) if (a[i].start !== b[i].start) return a[i].start - b[i].start;
  for (let i = 0; i < a.length; i++) if (a[i].chairId !== b[i].chairId) return cmpStr(a[i].chairId, b[i].chairId);
  return 0;
}

const cmpPartial = (a: Partial, b: Partial): number => cmpNums(a.cost, b.cost) || cmpPicks(a.picks, b.picks);
const cmpPlan = (a: FoundPlan, b: FoundPlan): number => cmpNums(a.key, b.key) || cmpPicks(a.picks, b.picks);

/** Inserts into a list kept sorted and at most `limit` long; false when the item did not make it. */
function insertBounded<T>(list: T[], item: T, limit: number, cmp: (a: T, b: T) => number): boolean {
  if (list.length >= limit && cmp(item, list[list.length - 1]) >= 0) return false;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid], item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
  if (list.length > limit) list.pop();
  return true;
}

/** The best plans so far, one per distinct start sequence. */
class BestPlans {
  private readonly plans: FoundPlan[] = [];
  constructor(readonly limit: number) {}

  worstKey(): number[] | null {
    return this.plans.length >= this.limit ? this.plans[this.plans.length - 1].key : null;
  }

  add(plan: FoundPlan): void {
    const same = this.plans.findIndex((p) => p.picks.every((x, i) => x.start === plan.picks[i].start));
    if (same >= 0) {
      if (cmpPlan(plan, this.plans[same]) >= 0) return;
      this.plans.splice(same, 1);
    }
    insertBounded(this.plans, plan, this.limit, cmpPlan);
  }

  list(): FoundPlan[] {
    return [...this.plans];
  }
}

/** Cost of one visit on `p` against the last visit `ref`. */
function visitCost(p: Placement, ref: Placement): Cost {
  const drift = Math.abs(p.minute - ref.minute);
  return [0, drift === 0 ? 0 : 1, p.chairId === ref.chairId ? 0 : 1, p.windowRank, drift, p.frag];
}

function addCost(a: Cost, b: Cost, deviation: number): Cost {
  return [a[0] + b[0] + deviation, a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], a[5] + b[5]];
}

/**
 * Adds to `best` the best plans whose last visit is `ref` (on `lastUnit`). Returns how many
 * complete series were offered to `best`.
 */
function endingAt(
  r: StepRules,
  space: SearchSpace,
  lastUnit: Unit,
  ref: Placement,
  firstDays: number[],
  tier: number,
  sameTime: boolean,
  best: BestPlans,
): number {
  const { units } = space;
  const k = r.visitCount;
  const limit = best.limit;
  const refCost = visitCost(ref, ref);
  const toKey = (c: Cost): number[] => [tier, c[0], ref.end, c[1], c[2], c[3], c[4], c[5]];
  // A partial (or plan) whose key, with nothing more added, is already worse than the k-th plan cannot place.
  const hopeless = (c: Cost): boolean => {
    const worst = best.worstKey();
    return worst !== null && cmpNums(toKey(c), worst) > 0;
  };
  if (k === 1) {
    const cost = addCost(refCost, [0, 0, 0, 0, 0, 0], firstStep(r, lastUnit));
    best.add({ key: toKey(cost), picks: [ref] });
    return 1;
  }

  const optionCache = new Map<number, Option[]>();
  const options = (u: Unit): Option[] => {
    let opts = optionCache.get(u.index);
    if (opts) return opts;
    opts = [];
    for (const pick of u.placements) {
      if (sameTime && pick.minute !== ref.minute) continue;
      const cost = visitCost(pick, ref);
      const prev = opts[opts.length - 1];
      // Placements come sorted by start then chair: keep the cheapest chair of each start.
      if (prev && prev.pick.start === pick.start) {
        if (cmpNums(cost, prev.cost) < 0) opts[opts.length - 1] = { cost, pick };
      } else opts.push({ cost, pick });
    }
    opts.sort((a, b) => cmpNums(a.cost, b.cost) || a.pick.start - b.pick.start || cmpStr(a.pick.chairId, b.pick.chairId));
    opts = opts.slice(0, limit);
    optionCache.set(u.index, opts);
    return opts;
  };

  const width = r.maxPerWeek === Infinity ? 1 : r.maxPerWeek + 1;
  let offered = 0;
  for (const group of firstDayGroups(r, firstDays)) {
    const d1 = group[0];
    let layer = new Map<number, Partial[]>();
    for (const ui of unitsOnDays(units, group, lastUnit.index)) {
      const u = units[ui];
      const dev = firstStep(r, u);
      if (dev < 0) continue;
      const list: Partial[] = [];
      for (const o of options(u)) list.push({ cost: addCost(o.cost, [0, 0, 0, 0, 0, 0], dev), picks: [o.pick] });
      if (list.length > 0) layer.set(u.index * width + firstCount(r), list);
    }
    for (let i = 1; i < k - 1 && layer.size > 0; i++) {
      const next = new Map<number, Partial[]>();
      // Visit i must leave room for the rest before the last visit.
      const maxDay = lastUnit.day - r.minGap * (k - 1 - i);
      for (const [key, partials] of layer) {
        const a = units[Math.floor(key / width)];
        const count = key % width;
        const [from, to] = nextRange(r, units, a, i, d1, maxDay);
        for (let bi = from; bi < Math.min(to, lastUnit.index); bi++) {
          const b = units[bi];
          const c = nextStep(r, a, b, i, count, d1);
          if (c < 0) continue;
          const opts = options(b);
          if (opts.length === 0) continue;
          const dev = stepDeviation(r, a, b);
          const nk = bi * width + c;
          let target = next.get(nk);
          if (!target) next.set(nk, (target = []));
          for (const p of partials) {
            let placedAny = false;
            for (const o of opts) {
              const cand: Partial = { cost: addCost(p.cost, o.cost, dev), picks: [...p.picks, o.pick] };
              // Options are sorted by cost, so once one fails to place, the rest fail too.
              if (hopeless(cand.cost) || !insertBounded(target, cand, limit, cmpPartial)) break;
              placedAny = true;
            }
            if (!placedAny) break;
          }
        }
      }
      for (const [key, list] of next) if (list.length === 0) next.delete(key);
      layer = next;
    }
    for (const [key, partials] of layer) {
      const a = units[Math.floor(key / width)];
      if (nextStep(r, a, lastUnit, k - 1, key % width, d1) < 0) continue;
      const dev = stepDeviation(r, a, lastUnit);
      for (const p of partials) {
        const cost = addCost(p.cost, refCost, dev);
        if (hopeless(cost)) break;
        offered++;
        best.add({ key: toKey(cost), picks: [...p.picks, ref] });
      }
    }
  }
  return offered;
}
